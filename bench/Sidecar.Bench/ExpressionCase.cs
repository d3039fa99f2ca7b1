namespace Sidecar.Bench;

/// <summary>How an expression's parameter is read from an event and handed to an engine.</summary>
internal enum ParameterKind
{
    Text,
    Number,
}

/// <summary>A named event value: <paramref name="Name"/> for the engines that need identifiers, <paramref name="Pointer"/> as NCalc reads it.</summary>
internal sealed record ExpressionParameter(string Name, string Pointer, ParameterKind Kind);

/// <summary>
/// One expression a rule could hold, written in each candidate's own syntax so that all of them
/// compute the same thing: a condition (true or false) or a value (text).
/// </summary>
internal sealed record ExpressionCase(string Name, bool IsCondition, string NCalc, string Jint, string DynamicExpresso, ExpressionParameter[] Parameters)
{
    public static ExpressionCase Condition { get; } = new(
        "condition",
        IsCondition: true,
        NCalc: "[/type] == 'hotel_search' && [/rooms] > 1",
        Jint: "type === 'hotel_search' && rooms > 1",
        DynamicExpresso: "type == \"hotel_search\" && rooms > 1",
        [new("type", "/type", ParameterKind.Text), new("rooms", "/rooms", ParameterKind.Number)]);

    public static ExpressionCase Concatenation { get; } = new(
        "concatenation",
        IsCondition: false,
        NCalc: "[/hotel/id] + '@' + [/hotel/city]",
        Jint: "hotelId + '@' + hotelCity",
        DynamicExpresso: "hotelId + \"@\" + hotelCity",
        [new("hotelId", "/hotel/id", ParameterKind.Text), new("hotelCity", "/hotel/city", ParameterKind.Text)]);

    public static IReadOnlyList<ExpressionCase> All { get; } = [Condition, Concatenation];
}
