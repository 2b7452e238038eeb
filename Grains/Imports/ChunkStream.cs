namespace BetterData.Grains.Imports;

/// <summary>A read-only stream over an upload's chunks, fetching one chunk at a time so memory stays flat.</summary>
public sealed class ChunkStream(IImportStore store, string importKey, int chunks) : Stream
{
    private byte[] current = [];
    private int offset;
    private int next;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (offset == current.Length)
        {
            if (next >= chunks)
            {
                return 0;
            }

            current = await store.ReadChunkAsync(importKey, next) ?? throw new InvalidDataException($"Chunk {next} of the upload is missing.");
            next++;
            offset = 0;
        }

        var count = Math.Min(buffer.Length, current.Length - offset);
        current.AsMemory(offset, count).CopyTo(buffer);
        offset += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
