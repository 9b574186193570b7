using RemotePoll.Core.CommuniGate;
using Xunit;

namespace RemotePoll.Core.Tests.CommuniGate;

/// <summary>Each malformed input is refused with the position of the first character that does not fit.</summary>
public sealed class CgpParserErrorTests
{
    private static CgpFormatException Refused(string text, int line, int column, string reason)
    {
        var error = Assert.Throws<CgpFormatException>(() => CgpParser.Parse(text));
        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.Equal(reason, error.Reason);
        Assert.Equal($"line {line}, column {column}: {reason}", error.Message);
        return error;
    }

    [Fact]
    public void Missing_semicolon_after_a_value_reports_the_key_line_and_column() =>
        Refused("{\n  home = {\n    domain = pop }; }", 3, 18, "expected ';' after the value of key 'domain', found '}'");

    [Fact]
    public void Empty_input_reports_that_a_value_was_expected() =>
        Refused("  \n ", 2, 2, "expected a value, found end of input");

    [Fact]
    public void Unterminated_string_reports_line_and_column() =>
        Refused("{a = \"open", 1, 11, "expected '\"' to close the string opened at line 1, column 6, found end of input");

    [Fact]
    public void String_broken_by_a_line_end_reports_where_the_line_ends() =>
        Refused("(\"one\ntwo\")", 1, 6, "expected '\"' to close the string opened at line 1, column 2, found end of line");

    [Fact]
    public void Unterminated_dictionary_reports_where_it_was_opened() =>
        Refused("{a=b;\n c=d;", 2, 6, "expected a key or '}' to close the dictionary opened at line 1, column 1, found end of input");

    [Fact]
    public void Unterminated_array_reports_where_it_was_opened() =>
        Refused("  (a, b", 1, 8, "expected ',' or ')' to close the array opened at line 1, column 3, found end of input");

    [Fact]
    public void Array_elements_without_a_comma_report_the_second_element() =>
        Refused("(a b)", 1, 4, "expected ',' or ')' to close the array opened at line 1, column 1, found 'b'");

    [Fact]
    public void Trailing_comma_in_an_array_reports_the_closing_parenthesis() =>
        Refused("(a,)", 1, 4, "expected an array element after ',', found ')'");

    [Fact]
    public void Missing_equals_sign_reports_the_key() =>
        Refused("{authName john;}", 1, 11, "expected '=' after key 'authName', found 'j'");

    [Fact]
    public void Missing_value_reports_the_key() =>
        Refused("{leave = ;}", 1, 10, "expected a value for key 'leave', found ';'");

    [Fact]
    public void Missing_semicolon_before_end_of_input_reports_end_of_input() =>
        Refused("{a=b", 1, 5, "expected ';' after the value of key 'a', found end of input");

    [Fact]
    public void Value_that_runs_on_reports_the_stray_character() =>
        Refused("{domain = pop.example.com:110;}", 1, 26, "expected ';' after the value of key 'domain', found ':'");

    [Fact]
    public void Key_that_is_not_a_string_is_refused() =>
        Refused("{#1=a;}", 1, 2, "expected a key (an atom or a quoted string) or '}', found '#'");

    [Fact]
    public void Quoted_key_is_shown_quoted_in_the_message() =>
        Refused("{\"a key\" = x y;}", 1, 14, "expected ';' after the value of key \"a key\", found 'y'");

    [Fact]
    public void Duplicate_key_reports_its_second_occurrence() =>
        Refused("{TLS=YES;\nTLS=NO;}", 2, 1, "expected each key once in a dictionary, found key 'TLS' a second time");

    [Fact]
    public void Keys_differing_in_case_are_not_duplicates() =>
        Assert.Equal(2, Assert.IsType<CgpDictionary>(CgpParser.Parse("{TLS=YES;tls=NO;}")).Count);

    [Fact]
    public void Unknown_escape_reports_the_backslash() =>
        Refused("\"a\\qb\"", 1, 3, "expected an escape (\\\" \\\\ \\r \\n \\t \\e or \\NNN), found '\\' and then 'q'");

    [Fact]
    public void Short_decimal_escape_reports_the_missing_digit() =>
        Refused("\"\\01x\"", 1, 5, "expected three decimal digits in the \\NNN escape, found 'x'");

    [Fact]
    public void Decimal_escape_above_127_is_refused() =>
        Refused("\"ok\\200\"", 1, 4, "expected a \\NNN escape from \\001 to \\127, found \\200");

    [Fact]
    public void Decimal_escape_of_zero_is_refused() =>
        Refused("\"\\000\"", 1, 2, "expected a \\NNN escape from \\001 to \\127, found \\000");

    [Fact]
    public void Backslash_at_end_of_input_reports_the_unterminated_string() =>
        Refused("\"abc\\", 1, 6, "expected '\"' to close the string opened at line 1, column 1, found end of input");

    [Fact]
    public void Raw_control_character_in_a_string_is_refused() =>
        Refused("\"a\u0001\"", 1, 3, "expected text or an escape in the string, found the control character U+0001");

    [Fact]
    public void Unpaired_surrogate_in_a_string_is_refused() =>
        Refused("\"a\uD800b\"", 1, 3, "expected text or an escape in the string, found an unpaired surrogate U+D800");

    [Fact]
    public void Number_without_digits_is_refused() =>
        Refused("#-", 1, 3, "expected a digit after '#-', found end of input");

    [Fact]
    public void Number_over_64_bits_is_refused() =>
        Refused("(#9223372036854775808)", 1, 2, "expected a number from -9223372036854775808 to 9223372036854775807, found #9223372036854775808");

    [Fact]
    public void Number_running_into_letters_is_refused() =>
        Refused("#12ab", 1, 4, "expected the end of the number, found 'a'");

    [Fact]
    public void Unknown_hash_value_is_refused() =>
        Refused("#X", 1, 2, "expected a number, 'T' (timestamp), 'I[' (IP address) or 'NULL#' after '#', found 'X'");

    [Fact]
    public void Null_without_its_closing_hash_is_refused() =>
        Refused("#NULL", 1, 6, "expected '#' to end #NULL#, found end of input");

    [Fact]
    public void Bad_base64_character_is_refused() =>
        Refused("[abc*]", 1, 5, "expected base64 text or ']' in the data block, found '*'");

    [Fact]
    public void Base64_of_a_wrong_length_reports_the_data_block() =>
        Refused("(x,\n [abcde])", 2, 2, "expected base64 in the data block, found 5 characters that do not decode: the length must be a multiple of 4 and '=' may only pad the end");

    [Fact]
    public void Base64_with_padding_in_the_middle_is_refused() =>
        Refused("[ab==abcd]", 1, 1, "expected base64 in the data block, found 8 characters that do not decode: the length must be a multiple of 4 and '=' may only pad the end");

    [Fact]
    public void Unterminated_data_block_reports_where_it_was_opened() =>
        Refused("[abcd", 1, 6, "expected ']' to close the data block opened at line 1, column 1, found end of input");

    [Fact]
    public void Timestamp_with_a_bad_month_reports_the_month() =>
        Refused("#T22-13-2024_14:03:27", 1, 6, "expected a month from 01 to 12, found 13");

    [Fact]
    public void Timestamp_with_a_day_the_month_lacks_reports_the_day() =>
        Refused("#T29-02-2023_00:00:00", 1, 3, "expected a day from 01 to 28 for month 02 of 2023, found 29");

    [Fact]
    public void Timestamp_with_a_bad_hour_reports_the_hour() =>
        Refused("#T22-10-2024_24:00:00", 1, 14, "expected an hour from 00 to 23, found 24");

    [Fact]
    public void Timestamp_with_a_bad_second_reports_the_second() =>
        Refused("#T22-10-2024_14:03:60", 1, 20, "expected a second from 00 to 59, found 60");

    [Fact]
    public void Timestamp_of_year_zero_is_refused() =>
        Refused("#T01-01-0000", 1, 9, "expected a year from 0001 to 9999, found 0000");

    [Fact]
    public void Timestamp_with_a_short_year_reports_the_missing_digit() =>
        Refused("#T22-10-24_14:03:27", 1, 11, "expected the year (yyyy) of the timestamp as 4 digits, found '_'");

    [Fact]
    public void Timestamp_with_a_wrong_separator_reports_it() =>
        Refused("#T22-10-2024_14-03-27", 1, 16, "expected ':' after the hour of the timestamp, found '-'");

    [Fact]
    public void Timestamp_that_is_not_a_date_is_refused() =>
        Refused("#Tomorrow", 1, 3, "expected a date (dd-mm-yyyy), 'PAST' or 'FUTURE' after '#T', found 'o'");

    [Fact]
    public void Past_running_into_letters_is_refused() =>
        Refused("#TPASTA", 1, 7, "expected the end of #TPAST, found 'A'");

    [Fact]
    public void Ip_address_without_brackets_is_refused() =>
        Refused("#I1.2.3.4", 1, 3, "expected '[' after '#I', found '1'");

    [Fact]
    public void Ip_address_with_three_parts_is_refused() =>
        Refused("#I[1.2.3]", 1, 4, "expected an IPv4 or IPv6 address in '#I[...]', found '1.2.3'");

    [Fact]
    public void Ip_address_with_a_part_over_255_is_refused() =>
        Refused("#I[1.2.3.256]", 1, 4, "expected an IPv4 or IPv6 address in '#I[...]', found '1.2.3.256'");

    [Fact]
    public void Unterminated_ip_address_reports_the_stray_character() =>
        Refused("#I[1.2.3.4 ]", 1, 11, "expected ']' to close the IP address, found ' '");

    [Fact]
    public void Ip_port_over_65535_is_refused() =>
        Refused("#I[1.2.3.4]:65536", 1, 13, "expected a port from 0 to 65535, found 65536");

    [Fact]
    public void Ip_port_without_digits_is_refused() =>
        Refused("#I[1.2.3.4]:x", 1, 13, "expected a port number after ':', found 'x'");

    [Fact]
    public void Xml_object_is_refused_as_unsupported() =>
        Refused("{a=<x/>;}", 1, 4, "expected a value for key 'a', found '<': XML objects are not supported");

    [Fact]
    public void Trailing_garbage_after_the_value_is_refused() =>
        Refused("{a=b;}\n  }", 2, 3, "expected the end of input after the value, found '}'");

    [Fact]
    public void Second_top_value_is_refused() =>
        Refused("abc def", 1, 5, "expected the end of input after the value, found 'd'");

    [Fact]
    public void Line_numbers_count_crlf_and_lone_cr_as_one_line_end() =>
        Refused("{a=b;\r\nc=d;\re=f}", 3, 4, "expected ';' after the value of key 'e', found '}'");

    [Fact]
    public void Nesting_deeper_than_the_limit_reports_the_opening_bracket()
    {
        var text = string.Concat(Enumerable.Repeat("{a=", CgpParser.MaxDepth)) + "(";

        Refused(text, 1, 3 * CgpParser.MaxDepth + 1, $"expected at most {CgpParser.MaxDepth} nested arrays and dictionaries, found '(' opening level {CgpParser.MaxDepth + 1}");
    }

    [Fact]
    public void Very_deep_nesting_is_refused_without_exhausting_the_stack() =>
        Assert.Throws<CgpFormatException>(() => CgpParser.Parse(new string('(', 500_000)));

    [Fact]
    public void Input_over_the_size_limit_is_refused()
    {
        var text = "\"" + new string('x', CgpParser.MaxLength) + "\"";

        Refused(text, 1, CgpParser.MaxLength + 1, $"expected at most {CgpParser.MaxLength} characters of input, found {CgpParser.MaxLength + 2}");
    }

    [Fact]
    public void Long_key_is_shortened_in_the_message()
    {
        var key = new string('k', 100);

        Refused($"{{{key}}}", 1, 102, $"expected '=' after key \"{new string('k', 40)}...\", found '}}'");
    }

    [Fact]
    public void Value_text_is_never_quoted_in_the_message()
    {
        var error = Assert.Throws<CgpFormatException>(() => CgpParser.Parse("{password = \"hunter2\" x;}"));

        Assert.DoesNotContain("hunter2", error.Message);
    }
}
