// Daalu.CrdGen: writes crds/ai.daalu.io_<plural>.yaml and the Markdown CRD reference from the Daalu.Api types.
// Usage (from the repository root; hack/gen-crds.sh wraps it):
//   dotnet run --project hack/Daalu.CrdGen -- crds docs/crd-reference.md
using Daalu.CrdGen;

if (args.Length != 2)
{
    await Console.Error.WriteLineAsync("usage: dotnet run --project hack/Daalu.CrdGen -- <crd-directory> <reference.md>");
    return 2;
}

foreach (var path in CrdGenerator.WriteAll(args[0], args[1]))
{
    Console.WriteLine($"wrote {path}");
}

return 0;
