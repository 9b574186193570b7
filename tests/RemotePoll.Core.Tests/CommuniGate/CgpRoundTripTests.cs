using RemotePoll.Core.CommuniGate;
using Xunit;

namespace RemotePoll.Core.Tests.CommuniGate;

public sealed class CgpRoundTripTests
{
    private const int Seed = 20241022;

    [Fact]
    public void Printed_random_values_parse_back_equal_and_print_the_same()
    {
        var values = new RandomCgpValues(Seed);
        for (var i = 0; i < 3000; i++)
        {
            var value = values.Next();
            var text = CgpPrinter.Print(value);

            var parsed = CgpParser.Parse(text);

            Assert.True(value.Equals(parsed), $"value {i} did not survive the round trip: {text}");
            Assert.Equal(text, CgpPrinter.Print(parsed));
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("\"")]
    [InlineData("\\")]
    [InlineData(" leading and trailing ")]
    [InlineData("{key=value;}")]
    [InlineData("#NULL#")]
    [InlineData("\r\n\t\u0001\u007F")]
    [InlineData("line1\u2028日本🦆")]
    public void Strings_that_look_like_syntax_survive_the_round_trip(string text)
    {
        var value = new CgpString(text);

        Assert.Equal(value, CgpParser.Parse(CgpPrinter.Print(value)));
    }

    [Fact]
    public void Mangled_text_is_either_read_or_refused_with_a_format_error()
    {
        const string syntax = "{}()[]=;,\"\\#TI<> \n:-.aZ09=+/";
        var values = new RandomCgpValues(Seed + 1);
        var random = new Random(Seed + 2);
        int read = 0, refused = 0;
        for (var i = 0; i < 6000; i++)
        {
            // Two in three start from valid text and edit it; the rest are syntax characters at random.
            var text = i % 3 == 2 ? [] : CgpPrinter.Print(values.Next()).ToCharArray().ToList();
            for (var edits = i % 3 == 2 ? random.Next(1, 30) : random.Next(1, 4); edits > 0; edits--)
            {
                var at = random.Next(text.Count + 1);
                switch (random.Next(3))
                {
                    case 0 when at < text.Count: text.RemoveAt(at); break;
                    case 1 when at < text.Count: text[at] = syntax[random.Next(syntax.Length)]; break;
                    default: text.Insert(at, syntax[random.Next(syntax.Length)]); break;
                }
            }
            var mangled = new string([.. text]);

            try
            {
                var parsed = CgpParser.Parse(mangled);
                Assert.Equal(parsed, CgpParser.Parse(CgpPrinter.Print(parsed)));
                read++;
            }
            catch (CgpFormatException error)
            {
                Assert.InRange(error.Line, 1, mangled.Length + 1);
                Assert.InRange(error.Column, 1, mangled.Length + 1);
                refused++;
            }
        }
        // Both outcomes must occur, or the edits are not exercising the parser.
        Assert.InRange(read, 100, 5900);
        Assert.InRange(refused, 100, 5900);
    }
}
