namespace RedBook.Domain.Validation;

/// <summary>One invalid request field (google.rpc.BadRequest.FieldViolation): the field's path and what is wrong.</summary>
/// <param name="Field">The field path in the request, in the wire's snake_case (<c>tags[2]</c>).</param>
/// <param name="Description">What is wrong, for humans.</param>
public sealed record FieldViolation(string Field, string Description);
