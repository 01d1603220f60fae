/**
 * @onet/queue — the `--shard k/N` work of `onet dataset build`, `generate` and `eval` as a fault-tolerant job queue
 * (BullMQ on Redis): submit a stage's shards once, start workers on any number of machines, and every shard is done
 * exactly once even when workers die. Stages can wait on each other; eval results merge into one CSV/JSON.
 * Node only; paths must name the same shared folders on every worker.
 * @packageDocumentation
 */
export { QueueError, type QueueErrorCode } from './errors.js';
export {
  connectQueue,
  probeRedis,
  QUEUE_CONNECTION_DEFAULTS,
  QUEUE_PREFIX,
  type QueueConnection,
  type QueueConnectionOptions,
} from './connectQueue.js';
export {
  stageKey,
  shardJobId,
  canonicalJson,
  type StageKind,
  type StageSpec,
  type StageRecord,
  type ShardJobData,
  type DatasetParams,
  type GenerateParams,
  type EvalParams,
} from './stages.js';
export { submitStage, SUBMIT_STAGE_DEFAULTS, type SubmitStageOptions, type SubmitStageResult } from './submitStage.js';
export { startWorker, START_WORKER_DEFAULTS, type StartWorkerOptions, type QueueWorker, type WorkerEvent } from './startWorker.js';
export { DEFAULT_RUNNERS, type ShardRunner, type ShardContext } from './runShard.js';
export { queueStatus, type StageStatus } from './queueStatus.js';
export {
  mergeEvaluation,
  evalShardDir,
  evalShardPath,
  type MergeEvaluationResult,
  type EvalShardFile,
} from './mergeEvaluation.js';
export { writeAtomic } from './writeAtomic.js';
