using System.Net;

namespace BetterData.Api.Tests.BadInput;

/// <summary>One hostile request and the status the HTTP contract documents for it.</summary>
public sealed record BadRequestCase(string Name, HttpStatusCode Expected, Func<HttpRequestMessage> Build);
