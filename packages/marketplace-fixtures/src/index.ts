export { Fixture, MARKETPLACES, type Exchange, type FixtureRequest } from "./fixture";
export { FIXTURES_DIR, FixtureInvalid, fixture, fixturesOf, parseFixture } from "./load";
export { type FixtureServer, type SentRequest, requestMismatches, serveFixtures, shapeMismatches } from "./match";
export { elementPaths, xmlMismatches } from "./xml";
