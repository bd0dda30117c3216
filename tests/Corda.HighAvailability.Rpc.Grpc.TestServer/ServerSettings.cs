namespace Corda.HighAvailability.Rpc.Grpc.TestServer;

/// <summary>The command line: <c>--port N --ledger FILE --name NAME</c>.</summary>
public sealed record ServerSettings(int Port, string Ledger, string Name)
{
    public static ServerSettings Parse(string[] args)
    {
        string Value(string option) =>
            Array.IndexOf(args, option) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"missing {option}");
        return new ServerSettings(int.Parse(Value("--port"), System.Globalization.CultureInfo.InvariantCulture), Value("--ledger"), Value("--name"));
    }
}
