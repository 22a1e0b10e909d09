// Daalu.Bench.Micro: BenchmarkDotNet microbenchmarks of the router's per-request hot paths.
//   dotnet run -c Release --project hack/bench/Daalu.Bench.Micro -- --filter '*'            (all)
//   dotnet run -c Release --project hack/bench/Daalu.Bench.Micro -- --filter '*Classif*' --job short
// Not part of hack/test.sh: the solution builds this project but nothing runs it.
using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Daalu.Bench.Micro.Requests).Assembly).Run(args);
