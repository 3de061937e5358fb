package score.core.plan;

/**
 * What the pre-copy model predicts for one bandwidth: {@code rounds} (the paper's n: transfers
 * after the first full copy, the last of them being the stop-and-copy), the total traffic N, the
 * migration time N/L and the downtime W(L).
 */
public record PreCopyEstimate(
    BitRate bandwidth,
    long rounds,
    double trafficBytes,
    double timeSeconds,
    double downtimeSeconds) {

  public double trafficMebibytes() {
    return trafficBytes / (1 << 20);
  }

  public double downtimeMillis() {
    return downtimeSeconds * 1e3;
  }
}
