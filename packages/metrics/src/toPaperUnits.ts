/**
 * Converts a **distance** in the unit-cube frame (longest bounding-box edge = 1) to the unit the
 * Occupancy Networks papers print: 1/10 of the longest edge, i.e. **× 10**. The reference code prints
 * unit-cube values, so Chamfer-L1 0.0215 from the code is 0.215 in the paper's tables (REFERENCE §4,
 * ON issues #20 and #61, CON README "Evaluation").
 *
 * Use it for Chamfer-L1, accuracy and completeness (and distance thresholds). It is deliberately *not*
 * right for squared distances (Chamfer-L2 would scale by 100), nor for IoU, normal consistency or
 * F-score, which have no unit.
 *
 * @example
 * ```ts
 * toPaperUnits(chamferL1(pred, gt)); // e.g. 0.0215 → 0.215
 * ```
 * @category Metrics
 */
export function toPaperUnits(unitCubeDistance: number): number {
  return unitCubeDistance * 10;
}
