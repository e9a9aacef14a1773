using System.Text.Json.Serialization;
using RedBook.Feed.Core.Hot;
using RedBook.Feed.Core.Notes;

namespace RedBook.Feed.Core.Events;

/// <summary>
/// Source-generated JSON (camelCase) for the feed's integration events and for the values the cache holds.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(NoteCreated))]
[JsonSerializable(typeof(NoteLiked))]
[JsonSerializable(typeof(NoteUnliked))]
[JsonSerializable(typeof(NoteCommented))]
[JsonSerializable(typeof(NoteCommentDeleted))]
//#if (IncludeMall)
[JsonSerializable(typeof(MallOrderPlaced))]
[JsonSerializable(typeof(MallOrderCancelled))]
//#endif
[JsonSerializable(typeof(Note))]
[JsonSerializable(typeof(HotNotes))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
public sealed partial class FeedJsonContext : JsonSerializerContext;
