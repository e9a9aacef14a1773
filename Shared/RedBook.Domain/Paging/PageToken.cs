using System.Buffers.Binary;
using System.Buffers.Text;
using RedBook.Domain.Validation;

namespace RedBook.Domain.Paging;

/// <summary>
/// Opaque page tokens (base64url). A keyset token carries the last id of the page (the 16 bytes of a UUIDv7); an
/// offset token carries a position in a bounded snapshot (the hot-notes ranking). Anything else is malformed.
/// </summary>
public static class PageToken
{
    private const byte OffsetTag = 0x4F; // 'O'

    /// <summary>The token after <paramref name="lastId"/> (an id of <see cref="EntityIds"/>).</summary>
    public static string ForId(string lastId)
    {
        var guid = Guid.ParseExact(lastId, "N");
        return Base64Url.EncodeToString(guid.ToByteArray(bigEndian: true));
    }

    /// <summary>The token at <paramref name="offset"/> of a bounded snapshot.</summary>
    public static string ForOffset(int offset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        Span<byte> bytes = stackalloc byte[5];
        bytes[0] = OffsetTag;
        BinaryPrimitives.WriteInt32BigEndian(bytes[1..], offset);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>
    /// Reads a keyset page request from the wire's <c>page_size</c> (0: the default) and <c>page_token</c>
    /// (empty: the first page); adds violations for a size out of range or a malformed token.
    /// </summary>
    public static PageRequest ParseKeyset(string? token, int size, ICollection<FieldViolation> violations)
    {
        ArgumentNullException.ThrowIfNull(violations);
        var pageSize = Size(size, violations);
        if (string.IsNullOrEmpty(token))
        {
            return new PageRequest(null, pageSize);
        }

        Span<byte> bytes = stackalloc byte[24];
        if (!Base64Url.IsValid(token, out var length) || length != 16
            || Base64Url.DecodeFromChars(token, bytes) != 16
            || new Guid(bytes[..16], bigEndian: true) is not { Version: 7 } guid)
        {
            violations.Add(new("page_token", "is not a page token of this listing."));
            return new PageRequest(null, pageSize);
        }

        return new PageRequest(guid.ToString("N"), pageSize);
    }

    /// <summary>Reads an offset page request (see <see cref="ParseKeyset"/>); returns the size and the offset.</summary>
    public static (int Offset, int Size) ParseOffset(string? token, int size, ICollection<FieldViolation> violations)
    {
        ArgumentNullException.ThrowIfNull(violations);
        var pageSize = Size(size, violations);
        if (string.IsNullOrEmpty(token))
        {
            return (0, pageSize);
        }

        Span<byte> bytes = stackalloc byte[8];
        if (!Base64Url.IsValid(token, out var length) || length != 5
            || Base64Url.DecodeFromChars(token, bytes) != 5
            || bytes[0] != OffsetTag
            || BinaryPrimitives.ReadInt32BigEndian(bytes[1..]) is var offset && offset < 0)
        {
            violations.Add(new("page_token", "is not a page token of this listing."));
            return (0, pageSize);
        }

        return (offset, pageSize);
    }

    private static int Size(int size, ICollection<FieldViolation> violations)
    {
        if (size == 0)
        {
            return PageRequest.DefaultSize;
        }

        if (size is < 0 or > PageRequest.MaxSize)
        {
            violations.Add(new("page_size", $"must be between 1 and {PageRequest.MaxSize} (0 for the default of {PageRequest.DefaultSize})."));
            return PageRequest.DefaultSize;
        }

        return size;
    }
}
