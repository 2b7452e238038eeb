using System.Text;

namespace BetterData.Grains.Imports;

/// <summary>
/// An RFC 4180 record reader (quoted fields with commas, doubled quotes and line breaks; CRLF or LF), streaming from
/// a <see cref="TextReader"/> with one record in memory. Written here rather than taken from a package because the
/// whole need is these ~70 lines, and it reports the physical line where each record starts.
/// </summary>
internal sealed class CsvRecordReader(TextReader reader)
{
    private readonly char[] buffer = new char[16 * 1024];
    private int length;
    private int position;
    private long line = 1;

    /// <summary>The next record and the line it starts on, or null at the end. Blank lines are skipped.</summary>
    public async Task<(long Line, List<string> Fields)?> ReadAsync()
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var start = line;
        var quoted = false;
        var any = false;
        while (true)
        {
            var c = await NextAsync();
            if (c < 0)
            {
                if (quoted)
                {
                    throw new InvalidDataException($"Line {start}: a quoted field is not closed before the end of the file.");
                }

                if (!any && field.Length == 0 && fields.Count == 0)
                {
                    return null;
                }

                fields.Add(field.ToString());
                return (start, fields);
            }

            var ch = (char)c;
            if (quoted)
            {
                if (ch == '"')
                {
                    if (await PeekAsync() == '"')
                    {
                        await NextAsync();
                        field.Append('"');
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    if (ch == '\n')
                    {
                        line++;
                    }

                    field.Append(ch);
                }

                continue;
            }

            switch (ch)
            {
                case '"' when field.Length == 0:
                    quoted = true;
                    any = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    any = true;
                    break;
                case '\r' when await PeekAsync() == '\n':
                    break;
                case '\n' or '\r':
                    line++;
                    if (!any && field.Length == 0 && fields.Count == 0)
                    {
                        start = line; // a blank line
                        continue;
                    }

                    fields.Add(field.ToString());
                    return (start, fields);
                default:
                    field.Append(ch);
                    any = true;
                    break;
            }
        }
    }

    private async ValueTask<int> NextAsync()
    {
        if (position == length && !await FillAsync())
        {
            return -1;
        }

        return buffer[position++];
    }

    private async ValueTask<int> PeekAsync()
    {
        if (position == length && !await FillAsync())
        {
            return -1;
        }

        return buffer[position];
    }

    private async ValueTask<bool> FillAsync()
    {
        length = await reader.ReadAsync(buffer.AsMemory());
        position = 0;
        return length > 0;
    }
}
