using System.Text;

namespace Corda.HighAvailability.Benchmarks.Checkpoints;

/// <summary>
/// The rows of the checkpoint benchmark, deterministic for a given row count: blob variants are built once (compressing
/// 100,000 distinct 18 KB rows would dominate the setup) and assigned to flows round-robin, so every row is decoded in
/// full while the data stays reproducible. Stored sizes are about 2 KB (<c>checkpoint_value</c>) and 16 KB
/// (<c>flow_state</c>), half DEFLATE and half Snappy (docs/corda-checkpoints.md, "Blob framing": Corda accepts both; its default, uncompressed,
/// costs the verifier less).
/// </summary>
internal sealed class CheckpointBenchmarkData
{
    public const int CheckpointValueBytes = 2 * 1024;
    public const int FlowStateBytes = 16 * 1024;

    /// <summary>Every this many flows one is HOSPITALIZED with an exception row; the rest are RUNNABLE (a live node's table).</summary>
    public const int HospitalizedEvery = 100;

    private const int Variants = 32;

    // Tokens a Kryo-serialized fiber carries: class names, field names and strings next to numbers and hashes.
    private static readonly string[] Vocabulary =
    [
        "net.corda.core.flows.FlowLogic", "net.corda.node.services.statemachine.FlowStateMachineImpl",
        "com.example.iou.IOUFlow$Initiator", "net.corda.core.identity.Party", "O=PartyA, L=London, C=GB",
        "O=Notary, L=Zurich, C=CH", "net.corda.core.contracts.StateRef", "net.corda.core.crypto.SecureHash$SHA256",
        "co.paralleluniverse.fibers.Stack", "progressTracker", "sessions", "subFlowStack", "isKilled", "ourIdentity",
        "java.util.ArrayList", "kotlin.collections.EmptyList", "net.corda.core.transactions.SignedTransaction",
    ];

    private static readonly Dictionary<int, CheckpointBenchmarkData> Cache = [];

    private CheckpointBenchmarkData(int flows)
    {
        Flows = flows;
        var random = new Random(20261126);
        CheckpointValues = Variants2(random, CheckpointValueBytes);
        FlowStates = Variants2(random, FlowStateBytes);
        FlowParameters = [.. Enumerable.Range(0, Variants).Select(_ => TestBlobs.Amqp(Payload(random, 300)))];
        ExceptionValue = TestBlobs.Amqp(Payload(random, 400));
        FlowIds = [.. Enumerable.Range(0, flows).Select(_ => FlowId(random))];

        for (var i = 0; i < flows; i++)
        {
            BlobTableBytes += CheckpointValue(i).Length + FlowState(i).Length;
            AllBlobBytes += CheckpointValue(i).Length + FlowState(i).Length + FlowParameter(i).Length + (IsHospitalized(i) ? ExceptionValue.Length : 0);
        }
    }

    public int Flows { get; }

    public string[] FlowIds { get; }

    /// <summary>Bytes of <c>checkpoint_value</c> and <c>flow_state</c> over all rows: what the plain read of node_checkpoint_blobs moves.</summary>
    public long BlobTableBytes { get; }

    /// <summary>Bytes of every blob column the verifier reads (adds flow_parameters and exception_value).</summary>
    public long AllBlobBytes { get; }

    public byte[] ExceptionValue { get; }

    private byte[][] CheckpointValues { get; }

    private byte[][] FlowStates { get; }

    private byte[][] FlowParameters { get; }

    public static CheckpointBenchmarkData For(int flows)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(flows, out var data))
            {
                data = new CheckpointBenchmarkData(flows);
                Cache[flows] = data;
            }

            return data;
        }
    }

    public static bool IsHospitalized(int flow) => flow % HospitalizedEvery == HospitalizedEvery - 1;

    public byte[] CheckpointValue(int flow) => CheckpointValues[flow % CheckpointValues.Length];

    // A different stride than checkpoint_value, so that one row does not always pair the same two encodings.
    public byte[] FlowState(int flow) => FlowStates[(flow / 3) % FlowStates.Length];

    public byte[] FlowParameter(int flow) => FlowParameters[flow % FlowParameters.Length];

    /// <summary>Blobs of about <paramref name="storedBytes"/> once encoded, alternately DEFLATE and Snappy.</summary>
    private static byte[][] Variants2(Random random, int storedBytes)
    {
        var blobs = new byte[Variants][];
        for (var v = 0; v < Variants; v++)
        {
            var encoding = v % 2 == 0 ? TestEncoding.Deflate : TestEncoding.Snappy;

            // Calibrate the payload length on one trial so that the stored (compressed) blob has the target size.
            var trial = TestBlobs.Kryo(Payload(new Random(v), storedBytes * 2), encoding);
            var length = (int)((long)storedBytes * storedBytes * 2 / trial.Length);
            blobs[v] = TestBlobs.Kryo(Payload(random, length), encoding);
        }

        return blobs;
    }

    /// <summary>Bytes shaped like a Kryo object graph: repeated tokens (compressible) between varints and 32-byte hashes (not).</summary>
    private static byte[] Payload(Random random, int length)
    {
        var output = new List<byte>(length + 64);
        var hash = new byte[32];
        while (output.Count < length)
        {
            switch (random.Next(10))
            {
                case < 5:
                    output.AddRange(Encoding.ASCII.GetBytes(Vocabulary[random.Next(Vocabulary.Length)]));
                    break;
                case < 7:
                    output.Add((byte)random.Next(0x80, 0x100));
                    output.Add((byte)random.Next(0x80));
                    break;
                case < 9:
                    random.NextBytes(hash);
                    output.AddRange(hash);
                    break;
                default:
                    output.AddRange(new byte[random.Next(4, 24)]);
                    break;
            }
        }

        return [.. output.Take(length)];
    }

    private static string FlowId(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes).ToString();
    }
}
