package score.sim;

/**
 * The paper scenario's traffic parameters ({@link TenantTraffic}): VMs belong to applications
 * (tenants) whose members talk among themselves. S-CORE section IV-A names its sources (Kandula et
 * al. IMC 2009 [22], Kandula et al. HotNets 2009 [23], Benson et al. IMC 2010 [7]) but not its
 * generator's parameters; where a source gives a figure we follow it, the rest is our choice, and
 * docs/measurements.md shows how the result moves with it.
 *
 * @param groupSizeMean mean VMs per tenant (2 + a geometric number, so most tenants are small): our
 *     choice, the paper gives none; docs/measurements.md shows how the result moves with it
 * @param groupSizeMax the largest tenant (larger draws are cut); at the default, one host's 16
 *     slots, so only the flows between tenants keep the optimum above zero
 * @param peersMean correspondents a VM picks among its tenant's members (Poisson, at least one); as
 *     they pick it too, a VM ends with about twice as many, about 3 in all (the same order as the
 *     median of [22]); our choice, with docs/measurements.md's sensitivity
 * @param hubShare the share of a VM's picks that go to its tenant's hub (its first member: the
 *     front end or shared back end of a tiered application, VL2 and Benson et al. describe such
 *     applications); our choice, with docs/measurements.md's sensitivity
 * @param medianBytesPerSecond median pair rate, log-normal (heavy-tailed flows of [7])
 * @param rateSigma the pair rates' log-normal shape [7]
 * @param tenantSigma how much tenants differ in intensity (a log-normal factor shared by a tenant's
 *     pairs): a few busy applications make the few bright ToR pairs of Fig. 2a and [23]
 * @param newFlowsPerRound flows that appear before each round after the first, as a fraction of the
 *     pairs (Fig. 2b's spikes); half within the VM's tenant, half to another tenant (a service it
 *     starts to use)
 */
public record TenantProfile(
    double groupSizeMean,
    int groupSizeMax,
    double peersMean,
    double hubShare,
    double medianBytesPerSecond,
    double rateSigma,
    double tenantSigma,
    double newFlowsPerRound) {
  public static final TenantProfile DEFAULTS =
      new TenantProfile(4, 16, 1.5, 0.5, 125_000, 1.5, 1, 0.02);

  public TenantProfile {
    if (!(groupSizeMean >= 2) || groupSizeMax < 2 || groupSizeMean > groupSizeMax) {
      throw new IllegalArgumentException(
          "tenant sizes: need 2 <= mean <= max, got mean "
              + groupSizeMean
              + ", max "
              + groupSizeMax);
    }
    if (!(peersMean >= 1) || Double.isInfinite(peersMean)) {
      throw new IllegalArgumentException("peersMean must be at least 1: " + peersMean);
    }
    if (!(hubShare >= 0 && hubShare <= 1)) {
      throw new IllegalArgumentException("hubShare must be in [0, 1]: " + hubShare);
    }
    if (!(medianBytesPerSecond > 0)
        || Double.isInfinite(medianBytesPerSecond)
        || !(rateSigma >= 0)
        || !(tenantSigma >= 0)
        || rateSigma > 10
        || tenantSigma > 10) {
      throw new IllegalArgumentException("rates must be positive with shapes in [0, 10]");
    }
    if (!(newFlowsPerRound >= 0 && newFlowsPerRound <= 1)) {
      throw new IllegalArgumentException("newFlowsPerRound must be in [0, 1]: " + newFlowsPerRound);
    }
  }

  /** These parameters with those given replaced (null keeps the value). */
  public TenantProfile with(
      final Double newGroupSizeMean,
      final Integer newGroupSizeMax,
      final Double newPeersMean,
      final Double newHubShare,
      final Double newFlows) {
    return new TenantProfile(
        newGroupSizeMean != null ? newGroupSizeMean : groupSizeMean,
        newGroupSizeMax != null ? newGroupSizeMax : groupSizeMax,
        newPeersMean != null ? newPeersMean : peersMean,
        newHubShare != null ? newHubShare : hubShare,
        medianBytesPerSecond,
        rateSigma,
        tenantSigma,
        newFlows != null ? newFlows : newFlowsPerRound);
  }
}
