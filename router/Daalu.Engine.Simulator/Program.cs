using System.Globalization;
using Daalu.Engine.Simulator.Server;
using Daalu.Engine.Simulator.Timing;

// A vLLM-like OpenAI-compatible server with a simulated engine (no GPU, no model):
//   dotnet run --project router/Daalu.Engine.Simulator -- [--port 8000] [--gpu rtx-2000-ada|rtx-6000-ada]
//     [--model-size 3b|7b|7b-awq|14b|0.6b-embed] [--model <id>] [--served-model-name <name>] [--task generate|embed]
//     [--max-num-seqs 256] [--max-model-len 32768] [--gpu-memory-utilization 0.9] [--time-scale 1] [--api-key <key>]
var opts = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i + 1 < args.Length; i += 2)
{
    opts[args[i].TrimStart('-')] = args[i + 1];
}

string Get(string key, string fallback) => opts.TryGetValue(key, out var v) ? v : fallback;
double Num(string key, double fallback) => double.Parse(Get(key, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

var gpu = GpuClass.Find(Get("gpu", "rtx-2000-ada"));
var spec = ModelSpec.All.FirstOrDefault(m => m.Size == Get("model-size", "7b-awq"));
if (gpu is null || spec is null)
{
    await Console.Error.WriteLineAsync("usage: --gpu rtx-2000-ada|rtx-6000-ada --model-size " + string.Join('|', ModelSpec.All.Select(m => m.Size)));
    return 2;
}

var profile = EngineProfiles.Create(gpu, spec, Num("gpu-memory-utilization", 0.9), (int)Num("max-num-seqs", 256), (int)Num("max-model-len", 32768));
var options = new SimulatorOptions
{
    Model = Get("model", spec.DefaultModelId),
    ServedModelName = opts.GetValueOrDefault("served-model-name"),
    Task = Get("task", spec.Size.EndsWith("embed", StringComparison.Ordinal) ? SimulatorTasks.Embed : SimulatorTasks.Generate),
    Profile = profile,
    TimeScale = Num("time-scale", 1),
    ApiKey = opts.GetValueOrDefault("api-key"),
};
await using var sim = await SimulatorHost.StartAsync(options, $"http://{Get("host", "127.0.0.1")}:{Get("port", "8000")}");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Simulated vLLM engine (no model runs) serving '{options.Name}' ({options.Task}) on {sim.BaseUrl}: {gpu.Name}, {spec.Size}, " +
    $"prefill {profile.PrefillTokensPerSecond:0} tok/s, decode step {profile.DecodeBaseMs:0.0} ms + {profile.DecodePerSequenceMs:0.###} ms/seq, " +
    $"{profile.KvBlocks} KV blocks of {profile.BlockSize}, max_num_seqs {profile.MaxNumSeqs}"));
// Ctrl+C and SIGTERM (docker stop, kill) both end it.
var done = new TaskCompletionSource();
using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, c => { c.Cancel = true; done.TrySetResult(); });
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; done.TrySetResult(); });
await done.Task;
return 0;
