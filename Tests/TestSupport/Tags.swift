import Testing

/// Tags for the tests a developer may leave out while iterating; `.ci/run` runs every test.
/// `swift test` filters by name, not tag, so the fast suite skips the tagged tests by name:
/// `swift test --skip 'largeHostileInputEndsCleanly|\.RobustnessTests/'` (README, "Testing").
extension Tag {
    /// Feeds 100 MB-class inputs to the built binary (minutes each on two cores).
    @Tag public static var large: Self
    /// Runs many inputs generated from fixed seeds (random damage, truncation, generated shell text).
    @Tag public static var seeded: Self
}
