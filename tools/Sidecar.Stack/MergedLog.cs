using System.Text.RegularExpressions;

namespace Sidecar.Stack;

/// <summary>
/// One readable log of every process of the stack: each line prefixed with the part it comes from
/// (coloured on a terminal), the .NET console logger's category shortened to its class name.
/// </summary>
internal sealed partial class MergedLog
{
    private static readonly string[] Colors = ["\e[36m", "\e[32m", "\e[33m", "\e[35m", "\e[34m", "\e[96m", "\e[92m", "\e[93m", "\e[95m", "\e[94m", "\e[37m", "\e[90m"];

    private readonly Lock _lock = new();
    private readonly bool _color = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;
    private readonly Dictionary<string, string> _colorOf = [];
    private int _width = 12;
    private volatile bool _muted;

    /// <summary>From now on only the stack's own lines are written (the parts are being stopped).</summary>
    public void Mute() => _muted = true;

    public void Write(string source, string line)
    {
        if (_muted && source != Stack)
        {
            return;
        }

        var match = ConsoleLoggerLine().Match(line);
        if (match.Success)
        {
            var category = match.Groups["category"].Value;
            line = $"{match.Groups["time"].Value}{match.Groups["level"].Value} {category[(category.LastIndexOf('.') + 1)..]}: {match.Groups["message"].Value}";
        }

        lock (_lock)
        {
            _width = Math.Max(_width, source.Length);
            if (!_color)
            {
                Console.WriteLine($"{source.PadRight(_width)} | {line}");
                return;
            }

            if (!_colorOf.TryGetValue(source, out var color))
            {
                color = Colors[_colorOf.Count % Colors.Length];
                _colorOf[source] = color;
            }

            var level = match.Success ? match.Groups["level"].Value : "";
            var body = level is "warn" ? $"\e[33m{line}\e[0m" : level is "fail" or "crit" ? $"\e[31m{line}\e[0m" : line;
            Console.WriteLine($"{color}{source.PadRight(_width)}\e[0m | {body}");
        }
    }

    private const string Stack = "stack";

    public void Say(string line) => Write(Stack, line);

    [GeneratedRegex(@"^(?<time>\d\d:\d\d:\d\d\.\d+ )?(?<level>info|warn|fail|crit|dbug|trce): (?<category>[\w.]+)\[\d+\] ?(?<message>.*)$")]
    private static partial Regex ConsoleLoggerLine();
}
