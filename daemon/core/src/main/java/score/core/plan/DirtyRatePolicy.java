package score.core.plan;

/**
 * Which observed dirty rate to plan with. VMPatrol reserved for RUBiS's maximum (800 pages/s): a
 * reservation for the mean (400 pages/s) made vMotion report too little progress, because the rate
 * swings above the mean for long stretches.
 */
public enum DirtyRatePolicy {
  MAXIMUM,
  MEAN
}
