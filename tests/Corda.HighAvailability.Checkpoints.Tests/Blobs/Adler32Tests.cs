using Corda.HighAvailability.Checkpoints.Blobs;

namespace Corda.HighAvailability.Checkpoints.Tests.Blobs;

/// <summary>The vectorized Adler-32 against the RFC 1950 definition, over lengths around every group and block edge and arbitrary splits.</summary>
public sealed class Adler32Tests
{
    [Fact]
    public void Matches_the_definition_for_any_length_content_and_split()
    {
        var random = new Random(11);
        foreach (var length in new[] { 0, 1, 15, 16, 17, 31, 32, 33, 5551, 5552, 5553, 5568, 11104, 65536, 100_003 })
        {
            foreach (var fill in new Func<int, byte>[] { _ => 0xFF, _ => 0, i => (byte)random.Next(256) })
            {
                var data = Enumerable.Range(0, length).Select(fill).ToArray();
                var whole = new Adler32();
                whole.Update(data);
                var split = new Adler32();
                for (var offset = 0; offset < length;)
                {
                    var part = Math.Min(length - offset, random.Next(1, 7000));
                    split.Update(data.AsSpan(offset, part));
                    offset += part;
                }

                var expected = Reference(data);
                Assert.True(expected == whole.Value, $"length {length}: {whole.Value:X8}, expected {expected:X8}");
                Assert.Equal(expected, length == 0 ? 1u : split.Value);
            }
        }
    }

    private static uint Reference(byte[] data)
    {
        uint a = 1, b = 0;
        foreach (var value in data)
        {
            a = (a + value) % 65521;
            b = (b + a) % 65521;
        }

        return (b << 16) | a;
    }
}
