// Daalu.Bench.Stub: the far end and the streaming client of hack/bench/router.sh.
//   serve   [--port 0] [--model NAME[=GAP_US]]... [--tokens 16] [--max-tokens 4096] [--ttft-us 0] [--max-num-seqs 256]
//           a vLLM-shaped OpenAI server on 127.0.0.1 (see Server/StubServer.cs for what it stands for)
//   ttft    --url URL [--tokens 32] [--requests 300] [--warmup 50] [--out FILE] [--header 'K: V']...
//   latency --url URL [--seconds 10] [--warmup 50] [--body JSON] [--out FILE] [--header 'K: V']...
//           one request at a time; percentiles, and every request's start/end (CLOCK_MONOTONIC ns) in FILE
//   streams --url URL [--tokens 32] [--streams 1000] [--ramp-us 200] [--header 'K: V']...
using Daalu.Bench.Stub.Client;
using Daalu.Bench.Stub.Server;

var mode = args.Length > 0 ? args[0] : "serve";
var rest = args.Length > 0 ? args[1..] : [];
return mode switch
{
    "serve" => await StubServer.RunAsync(rest),
    "ttft" or "streams" => await StreamClient.RunAsync(mode, rest),
    "latency" => Latency(rest),
    _ => Usage(),
};

static int Latency(string[] args)
{
    try
    {
        return LatencyProbe.Run(ClientOptions.Parse(args));
    }
    catch (ArgumentException e)
    {
        Console.Error.WriteLine($"client: {e.Message}");
        return 2;
    }
}

static int Usage()
{
    Console.Error.WriteLine("usage: Daalu.Bench.Stub serve|ttft|latency|streams [options]");
    return 2;
}
