using System.Net;
using System.Text;

namespace BetterData.Api.Tests.BadInput;

/// <summary>
/// Sends every case, collects every wrong status (so one run shows them all), and checks that the state read
/// before and after is the same: a refused, duplicate or ignored request changes nothing.
/// </summary>
internal static class BadInputRunner
{
    public static async Task AssertAllAsync(HttpClient http, IEnumerable<BadRequestCase> cases, Func<Task<string>> readState)
    {
        var before = await readState();
        var failures = new List<string>();
        foreach (var @case in cases)
        {
            using var request = @case.Build();
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != @case.Expected)
            {
                failures.Add($"{@case.Name}: expected {(int)@case.Expected}, got {(int)response.StatusCode} {Excerpt(body)}");
            }
            else if ((int)response.StatusCode >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                failures.Add($"{@case.Name}: {(int)response.StatusCode} without a problem body ({response.Content.Headers.ContentType})");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.Equal(before, await readState());
    }

    public static HttpRequestMessage Post(string path, string body, string contentType = "application/json", params (string Name, string Value)[] headers) =>
        Post(path, Encoding.UTF8.GetBytes(body), contentType, headers);

    public static HttpRequestMessage Post(string path, byte[] body, string contentType = "application/json", params (string Name, string Value)[] headers)
    {
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    /// <summary>Just over the 1 MiB webhook limit, as valid JSON.</summary>
    public static string OverLimit => "{\"x\":\"" + new string('a', 1024 * 1024) + "\"}";

    /// <summary>Far deeper than System.Text.Json and Newtonsoft read by default (64).</summary>
    public static string Deep(int depth = 5000) => new string('[', depth) + new string(']', depth);

    public static string Huge => new('h', 512 * 1024);

    private static string Excerpt(string body) => body.Length > 300 ? body[..300] + "…" : body;

    public static HttpStatusCode Ok => HttpStatusCode.OK;
}
