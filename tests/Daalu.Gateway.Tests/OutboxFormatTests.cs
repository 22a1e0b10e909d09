using System.Buffers;
using System.Text;
using System.Text.Json;
using Daalu.Gateway.Metering;

namespace Daalu.Gateway.Tests;

/// <summary>The outbox segment format as pure functions: framing, checksums, and how a bad record is classified.</summary>
public sealed class OutboxFormatTests
{
    [Fact]
    public void Crc32C_StandardCheckValue_Matches()
    {
        // The published check value of CRC-32C (Castagnoli) for "123456789".
        Assert.Equal(0xE3069283u, OutboxFormat.Crc32C("123456789"u8));
        Assert.Equal(0u, OutboxFormat.Crc32C([]));
    }

    [Fact]
    public void Scan_WholeSegment_ReturnsEveryRecordInOrder()
    {
        var (data, frames) = Segment(3);
        var found = new List<Range>();
        var scan = OutboxFormat.Scan(data, found);
        Assert.Equal(new SegmentScan(SegmentState.Clean, 3, data.Length, 0), scan);
        Assert.Equal(frames, found);
        Assert.Equal(["r0", "r1", "r2"], found.Select(f => OutboxFormat.Deserialize(data.AsSpan(f)).RequestId));
    }

    [Fact]
    public void Scan_EmptyFile_IsCleanAndEmpty()
    {
        Assert.Equal(new SegmentScan(SegmentState.Clean, 0, 0, 0), OutboxFormat.Scan([]));
    }

    // Every way a crash can cut the last write: inside the header, the record header, or the payload.
    [Fact]
    public void Scan_LastRecordCutAnywhere_IsTornTailWithTheEarlierRecords()
    {
        var (data, frames) = Segment(3);
        var lastStart = frames[2].Start.Value - OutboxFormat.RecordHeaderSize;
        for (var cut = lastStart + 1; cut < data.Length; cut++)
        {
            var scan = OutboxFormat.Scan(data.AsSpan(0, cut));
            Assert.Equal(SegmentState.TornTail, scan.State);
            Assert.Equal(2, scan.Records);
            Assert.Equal(lastStart, scan.BadOffset);
        }

        for (var cut = 1; cut < OutboxFormat.HeaderSize; cut++)
        {
            Assert.Equal(new SegmentScan(SegmentState.TornTail, 0, 0, cut), OutboxFormat.Scan(data.AsSpan(0, cut)));
        }
    }

    // A power loss can leave the file longer than what reached the disk, the rest reading as zeros.
    [Fact]
    public void Scan_ZerosAfterTheLastRecord_IsTornTail()
    {
        var (data, _) = Segment(2);
        var padded = data.Concat(new byte[100]).ToArray();
        Assert.Equal(new SegmentScan(SegmentState.TornTail, 2, data.Length, 100), OutboxFormat.Scan(padded));
    }

    [Fact]
    public void Scan_LastRecordDamaged_IsTornTail()
    {
        var (data, frames) = Segment(3);
        data[frames[2].Start.Value + 5] ^= 0x20;
        var scan = OutboxFormat.Scan(data);
        Assert.Equal(SegmentState.TornTail, scan.State);
        Assert.Equal(2, scan.Records);
    }

    [Fact]
    public void Scan_DamagedRecordWithRecordsAfterIt_IsCorruptAtItsOffset()
    {
        var (data, frames) = Segment(4);
        data[frames[1].Start.Value + 5] ^= 0x20;
        var found = new List<Range>();
        var scan = OutboxFormat.Scan(data, found);
        Assert.Equal(SegmentState.Corrupt, scan.State);
        Assert.Equal(1, scan.Records);
        Assert.Equal(frames[1].Start.Value - OutboxFormat.RecordHeaderSize, scan.BadOffset);
        Assert.Equal(data.Length - scan.BadOffset, scan.BadBytes);
        Assert.Equal([frames[0]], found);
    }

    // The checksum covers the length, so a damaged length that still fits in the file is caught, not followed.
    [Fact]
    public void Scan_DamagedLengthWithRecordsAfterIt_IsCorrupt()
    {
        var (data, frames) = Segment(4);
        data[frames[1].Start.Value - OutboxFormat.RecordHeaderSize] ^= 0x01;
        var scan = OutboxFormat.Scan(data);
        Assert.Equal(SegmentState.Corrupt, scan.State);
        Assert.Equal(1, scan.Records);
    }

    [Fact]
    public void Scan_ForeignHeader_IsCorrupt()
    {
        var (data, _) = Segment(1);
        data[0] = (byte)'X';
        Assert.Equal(SegmentState.Corrupt, OutboxFormat.Scan(data).State);
        Assert.Equal(SegmentState.Corrupt, OutboxFormat.Scan(Encoding.ASCII.GetBytes("SQLite f")).State);
    }

    private static (byte[] Data, List<Range> Frames) Segment(int records)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using var json = new Utf8JsonWriter(buffer);
        OutboxFormat.WriteHeader(buffer);
        var frames = new List<Range>();
        for (var i = 0; i < records; i++)
        {
            var start = buffer.WrittenCount;
            OutboxFormat.AppendRecord(buffer, json, LedgerPricing.Price(Calls.Hosted($"r{i}")));
            frames.Add(new Range(start + OutboxFormat.RecordHeaderSize, buffer.WrittenCount));
        }

        return (buffer.WrittenSpan.ToArray(), frames);
    }
}
