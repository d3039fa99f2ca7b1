using Sidecar.Node.Datasets;

namespace Sidecar.Node.Tests.Datasets;

public sealed class RemovedDatasetsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Grace = TimeSpan.FromDays(7);

    [Fact]
    public void A_removed_dataset_is_marked_then_kept_for_the_grace_then_deleted()
    {
        Assert.Equal(RemovedDatasetAction.Mark, Decide([], ("old", null)));
        Assert.Equal(RemovedDatasetAction.Keep, Decide([], ("old", Now - Grace + TimeSpan.FromSeconds(1))));
        Assert.Equal(RemovedDatasetAction.Delete, Decide([], ("old", Now - Grace)));
        Assert.Equal(RemovedDatasetAction.Delete, Decide([], ("old", Now - TimeSpan.FromDays(30))));
    }

    [Fact]
    public void A_configured_dataset_is_kept_and_one_configured_again_is_restored_however_long_ago_it_was_removed()
    {
        Assert.Equal(RemovedDatasetAction.Keep, Decide(["segments"], ("segments", null)));
        Assert.Equal(RemovedDatasetAction.Restore, Decide(["segments"], ("segments", Now - TimeSpan.FromDays(1))));
        Assert.Equal(RemovedDatasetAction.Restore, Decide(["segments"], ("segments", Now - TimeSpan.FromDays(30))));
    }

    [Fact]
    public void A_zero_grace_deletes_at_the_second_start_without_the_section_never_at_the_first() =>
        Assert.Equal(
            [("a", RemovedDatasetAction.Mark), ("b", RemovedDatasetAction.Delete), ("c", RemovedDatasetAction.Keep)],
            RemovedDatasets.Decide(["c"], [("c", null), ("b", Now), ("a", null)], Now, TimeSpan.Zero));

    private static RemovedDatasetAction Decide(string[] configured, (string Name, DateTimeOffset? RemovedAt) dir) =>
        Assert.Single(RemovedDatasets.Decide(configured, [dir], Now, Grace)).Action;
}
