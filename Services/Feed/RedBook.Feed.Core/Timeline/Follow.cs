namespace RedBook.Feed.Core.Timeline;

/// <summary>A follow: <see cref="FollowerId"/> sees <see cref="AuthorId"/>'s notes on the timeline.</summary>
/// <param name="Id">The follow's id (UUIDv7); the following list pages by it.</param>
/// <param name="FollowerId">The user who follows.</param>
/// <param name="AuthorId">The followed author.</param>
/// <param name="CreatedAt">When the follow began.</param>
public sealed record Follow(string Id, string FollowerId, string AuthorId, DateTimeOffset CreatedAt);
