using System.Buffers.Binary;

namespace OnnxCd.Tests.TestSupport;

/// <summary>
/// Random damage to a file's bytes, as a mutation fuzzer does it: bit flips, boundary values written
/// over bytes and 32-bit fields, cuts, deleted and repeated ranges. Half the edits land in the first
/// 64 bytes, where headers and sizes live.
/// </summary>
internal static class ByteMutator
{
    private static readonly byte[] s_bytes = [0x00, 0x01, 0x7F, 0x80, 0xFF];
    private static readonly uint[] s_words = [0, 1, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0xFFFF, 0x1_0000, 65_000];

    /// <summary>A copy of <paramref name="seed"/> with 1 to 8 random edits drawn from <paramref name="random"/>.</summary>
    public static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = new List<byte>(seed);
        var edits = random.Next(1, 9);
        for (var e = 0; e < edits && bytes.Count > 0; e++)
        {
            var at = Position(bytes.Count, random);
            switch (random.Next(6))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes[at] = random.Next(2) == 0 ? s_bytes[random.Next(s_bytes.Length)] : (byte)random.Next(256);
                    break;
                case 2:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 3:
                    bytes.RemoveRange(at, Math.Min(random.Next(1, 65), bytes.Count - at));
                    break;
                case 4:
                    var length = Math.Min(random.Next(1, 65), bytes.Count - at);
                    bytes.InsertRange(Position(bytes.Count, random), bytes.GetRange(at, length));
                    break;
                default:
                    var word = new byte[4];
                    var value = s_words[random.Next(s_words.Length)];
                    if (random.Next(2) == 0)
                    {
                        BinaryPrimitives.WriteUInt32BigEndian(word, value);
                    }
                    else
                    {
                        BinaryPrimitives.WriteUInt32LittleEndian(word, value);
                    }

                    for (var i = 0; i < 4 && at + i < bytes.Count; i++)
                    {
                        bytes[at + i] = word[i];
                    }

                    break;
            }
        }

        return bytes.ToArray();
    }

    private static int Position(int count, Random random) => random.Next(2) == 0 ? random.Next(Math.Min(64, count)) : random.Next(count);
}
