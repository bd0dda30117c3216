// The fixtures shared by the test projects and the benchmarks (tests/Corda.HighAvailability.Testing).
global using Corda.HighAvailability.Testing;
