import { buildProgram } from '../../src/program.js';

/** The options commander parses for `onet <command> …args`, with the command's action replaced (nothing runs). */
export async function parseOptions(command: string, ...args: string[]): Promise<Record<string, unknown>> {
  const program = buildProgram();
  const cmd = program.commands.find((c) => c.name() === command);
  if (!cmd) throw new Error(`no command ${command}`);
  let opts: Record<string, unknown> = {};
  cmd.action(() => {
    opts = cmd.opts();
  });
  await program.parseAsync(['node', 'onet', command, ...args]);
  return opts;
}
