package score.core.plan;

import java.time.Duration;

/**
 * Where a running pre-copy migration stands when the dirty rate is measured again: how long it has
 * run and how much memory is still to send (the dirty set of the round about to start).
 */
public record MigrationProgress(Duration elapsed, ByteSize stillToSend) {}
