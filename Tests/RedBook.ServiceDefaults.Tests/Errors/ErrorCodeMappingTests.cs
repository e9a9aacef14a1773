using RedBook.ServiceDefaults.Errors;

namespace RedBook.ServiceDefaults.Tests.Errors;

public class ErrorCodeMappingTests
{
    [Theory]
    [InlineData(ErrorCode.Ok, 200)]
    [InlineData(ErrorCode.Cancelled, 499)]
    [InlineData(ErrorCode.Unknown, 500)]
    [InlineData(ErrorCode.InvalidArgument, 400)]
    [InlineData(ErrorCode.DeadlineExceeded, 504)]
    [InlineData(ErrorCode.NotFound, 404)]
    [InlineData(ErrorCode.AlreadyExists, 409)]
    [InlineData(ErrorCode.PermissionDenied, 403)]
    [InlineData(ErrorCode.ResourceExhausted, 429)]
    [InlineData(ErrorCode.FailedPrecondition, 400)]
    [InlineData(ErrorCode.Aborted, 409)]
    [InlineData(ErrorCode.OutOfRange, 400)]
    [InlineData(ErrorCode.Unimplemented, 501)]
    [InlineData(ErrorCode.Internal, 500)]
    [InlineData(ErrorCode.Unavailable, 503)]
    [InlineData(ErrorCode.DataLoss, 500)]
    [InlineData(ErrorCode.Unauthenticated, 401)]
    [InlineData((ErrorCode)99, 500)]
    public void ToHttpStatus_EveryCode_FollowsGrpcTable(ErrorCode code, int status) =>
        Assert.Equal(status, ErrorCodeMapping.ToHttpStatus(code));

    [Theory]
    [InlineData(204, ErrorCode.Ok)]
    [InlineData(400, ErrorCode.InvalidArgument)]
    [InlineData(401, ErrorCode.Unauthenticated)]
    [InlineData(403, ErrorCode.PermissionDenied)]
    [InlineData(404, ErrorCode.NotFound)]
    [InlineData(408, ErrorCode.DeadlineExceeded)]
    [InlineData(409, ErrorCode.Aborted)]
    [InlineData(418, ErrorCode.FailedPrecondition)]
    [InlineData(429, ErrorCode.ResourceExhausted)]
    [InlineData(499, ErrorCode.Cancelled)]
    [InlineData(500, ErrorCode.Internal)]
    [InlineData(501, ErrorCode.Unimplemented)]
    [InlineData(502, ErrorCode.Unavailable)]
    [InlineData(503, ErrorCode.Unavailable)]
    [InlineData(504, ErrorCode.DeadlineExceeded)]
    [InlineData(507, ErrorCode.Internal)]
    [InlineData(302, ErrorCode.Unknown)]
    public void FromHttpStatus_Status_MapsToCode(int status, ErrorCode code) =>
        Assert.Equal(code, ErrorCodeMapping.FromHttpStatus(status));

    [Fact]
    public void TryParse_EveryName_RoundTrips()
    {
        foreach (var code in Enum.GetValues<ErrorCode>())
        {
            var name = ErrorCodeMapping.ToName(code);
            Assert.True(ErrorCodeMapping.TryParse(name, out var byName));
            Assert.Equal(code, byName);
            Assert.True(ErrorCodeMapping.TryParse(((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture), out var byNumber));
            Assert.Equal(code, byNumber);
        }
    }

    [Theory]
    [InlineData("invalid_argument", true, ErrorCode.InvalidArgument)]
    [InlineData("17", false, ErrorCode.Unknown)]
    [InlineData("-1", false, ErrorCode.Unknown)]
    [InlineData("BOGUS", false, ErrorCode.Unknown)]
    [InlineData("", false, ErrorCode.Unknown)]
    [InlineData(null, false, ErrorCode.Unknown)]
    public void TryParse_Text_ParsesOnlyKnownCodes(string? text, bool parsed, ErrorCode expected)
    {
        Assert.Equal(parsed, ErrorCodeMapping.TryParse(text, out var code));
        Assert.Equal(expected, code);
    }
}
