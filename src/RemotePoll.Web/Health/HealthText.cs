using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RemotePoll.Web.Health;

/// <summary>A health answer a person can read too: the overall status, then one line per check with its description.</summary>
public static class HealthText
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var text = new StringBuilder(report.Status.ToString()).Append('\n');
        foreach (var (name, entry) in report.Entries)
            text.Append(name).Append(": ").Append(entry.Status).Append(": ").Append(entry.Description).Append('\n');
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text.ToString());
    }
}
