using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Daalu.Gateway.Metering;

/// <summary>
/// The outbox's on-disk format, as pure functions. A segment is an 8-byte header ("DLOX", then format version 1 as a
/// little-endian u32) followed by records: u32 payload length, u32 CRC-32C of the length bytes and the payload (both
/// little-endian), then the payload, the record's <see cref="PricedCall"/> as UTF-8 JSON
/// (<see cref="MeteringJsonContext"/>). The checksum covers the length too, so a damaged length is caught rather
/// than trusted to find the next record.
/// </summary>
internal static class OutboxFormat
{
    public const int HeaderSize = 8;
    public const int RecordHeaderSize = 8;
    public const uint Version = 1;

    // A priced call is a few hundred bytes; anything near this is damage, not a record. It also bounds how far a
    // damaged length can make the reader look.
    public const int MaxPayload = 1 << 20;

    private static ReadOnlySpan<byte> Magic => "DLOX"u8;

    public static void WriteHeader(IBufferWriter<byte> buffer)
    {
        var span = buffer.GetSpan(HeaderSize);
        Magic.CopyTo(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], Version);
        buffer.Advance(HeaderSize);
    }

    /// <summary>Appends one framed record to <paramref name="buffer"/>; <paramref name="json"/> is reset onto it.</summary>
    public static void AppendRecord(ArrayBufferWriter<byte> buffer, Utf8JsonWriter json, PricedCall call)
    {
        var start = buffer.WrittenCount;
        buffer.GetSpan(RecordHeaderSize);
        buffer.Advance(RecordHeaderSize);
        json.Reset(buffer);
        JsonSerializer.Serialize(json, call, MeteringJsonContext.Default.PricedCall);
        json.Flush();
        var length = buffer.WrittenCount - start - RecordHeaderSize;
        if (length > MaxPayload)
        {
            throw new InvalidOperationException($"A metering record of {length} bytes exceeds the outbox's {MaxPayload}-byte limit.");
        }

        // The header slot was written (as zeros) above; fill it in now that the payload's length is known.
        var record = MemoryMarshal.AsMemory(buffer.WrittenMemory).Span[start..];
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)length);
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], Checksum(record[..4], record[RecordHeaderSize..]));
    }

    /// <summary>
    /// Frames of the records in <paramref name="segment"/> (a whole segment file, or the part known to be written) up to
    /// the first bad one. A bad record is a torn tail when nothing but zeros follows it, or when it is the last and
    /// incomplete or fails its checksum: what a write cut by a crash or power loss leaves, never an acknowledged record.
    /// Anything else bad is corruption, and the records after it are not returned.
    /// </summary>
    public static SegmentScan Scan(ReadOnlySpan<byte> segment, List<Range>? records = null)
    {
        if (segment.Length < HeaderSize)
        {
            // A header cut by a crash: the first write of a segment carries it with the first records, so nothing in
            // this segment was acknowledged.
            if (segment.Length == 0)
            {
                return new SegmentScan(SegmentState.Clean, 0, 0, 0);
            }

            return new SegmentScan(IsTornHeader(segment) ? SegmentState.TornTail : SegmentState.Corrupt, 0, 0, segment.Length);
        }

        if (!segment[..4].SequenceEqual(Magic) || BinaryPrimitives.ReadUInt32LittleEndian(segment[4..]) != Version)
        {
            return segment.IndexOfAnyExcept((byte)0) < 0
                ? new SegmentScan(SegmentState.TornTail, 0, 0, segment.Length)
                : new SegmentScan(SegmentState.Corrupt, 0, 0, segment.Length);
        }

        var offset = HeaderSize;
        var count = 0;
        while (offset < segment.Length)
        {
            var rest = segment[offset..];
            bool torn;
            if (rest.Length < RecordHeaderSize)
            {
                torn = true;
            }
            else
            {
                var length = BinaryPrimitives.ReadUInt32LittleEndian(rest);
                if (length == 0 || length > MaxPayload)
                {
                    // No record has this length: only the zeros of a file extended past its written data are a tail.
                    torn = rest.IndexOfAnyExcept((byte)0) < 0;
                }
                else if (RecordHeaderSize + (long)length > rest.Length)
                {
                    torn = true; // the start of a write that was cut
                }
                else
                {
                    var end = RecordHeaderSize + (int)length;
                    if (BinaryPrimitives.ReadUInt32LittleEndian(rest[4..]) == Checksum(rest[..4], rest[RecordHeaderSize..end]))
                    {
                        records?.Add(new Range(offset + RecordHeaderSize, offset + end));
                        count++;
                        offset += end;
                        continue;
                    }

                    // A damaged record with more records after it is corruption; as the last one, a cut write.
                    torn = end == rest.Length || rest[end..].IndexOfAnyExcept((byte)0) < 0;
                }
            }

            return new SegmentScan(torn ? SegmentState.TornTail : SegmentState.Corrupt, count, offset, segment.Length - offset);
        }

        return new SegmentScan(SegmentState.Clean, count, offset, 0);
    }

    public static PricedCall Deserialize(ReadOnlySpan<byte> payload) =>
        JsonSerializer.Deserialize(payload, MeteringJsonContext.Default.PricedCall)
            ?? throw new InvalidDataException("Empty outbox payload.");

    /// <summary>CRC-32C (Castagnoli), hardware-assisted where the CPU has it.</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data, uint crc = 0)
    {
        crc = ~crc;
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return ~crc;
    }

    private static uint Checksum(ReadOnlySpan<byte> length, ReadOnlySpan<byte> payload) => Crc32C(payload, Crc32C(length));

    private static bool IsTornHeader(ReadOnlySpan<byte> partial)
    {
        Span<byte> header = stackalloc byte[HeaderSize];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], Version);
        return header.StartsWith(partial) || partial.IndexOfAnyExcept((byte)0) < 0;
    }
}

/// <summary>What reading a segment found.</summary>
internal enum SegmentState
{
    /// <summary>Every byte belongs to a good record (or the segment is empty).</summary>
    Clean,

    /// <summary>Good records, then the remains of a write cut short: never acknowledged, skipped.</summary>
    TornTail,

    /// <summary>A bad record with data after it: the segment is kept aside, not flushed past that point.</summary>
    Corrupt,
}

/// <summary>Result of <see cref="OutboxFormat.Scan"/>: good records, and where and how long the bad part is.</summary>
internal readonly record struct SegmentScan(SegmentState State, int Records, int BadOffset, int BadBytes);
