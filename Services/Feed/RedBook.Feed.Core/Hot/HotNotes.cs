using RedBook.Feed.Core.Notes;

namespace RedBook.Feed.Core.Hot;

/// <summary>One entry of the hot-notes ranking: the note and its score when the ranking was computed.</summary>
public sealed record HotNoteEntry(string NoteId, double Score);

/// <summary>The stored ranking: the entries, best first, and when they were computed.</summary>
public sealed record HotNotesSnapshot(DateTimeOffset ComputedAt, IReadOnlyList<HotNoteEntry> Entries);

/// <summary>The ranking as served and cached: the ranked notes with their current content and counters.</summary>
public sealed record HotNotes(DateTimeOffset ComputedAt, IReadOnlyList<HotNote> Notes);

/// <summary>A ranked note.</summary>
public sealed record HotNote(Note Note, double Score);
