using System.CommandLine;
using Microsoft.Extensions.Hosting;

namespace Sidecar.Cli.Registry;

/// <summary><c>registry serve</c>: a directory registry served over HTTP, for nodes without a shared mount.</summary>
internal static class RegistryCommands
{
    public static Command Create()
    {
        var dir = new Option<DirectoryInfo>("--dir") { Description = "The registry directory (created if missing)", Required = true };
        var urls = new Option<string[]>("--urls")
        {
            Description = "Addresses to listen on",
            DefaultValueFactory = _ => ["http://127.0.0.1:5090"],
            AllowMultipleArgumentsPerToken = true,
        };
        var maxFileBytes = new Option<long>("--max-file-bytes")
        {
            Description = "The largest snapshot file a PUT may carry (default 4 GiB; snapshot files are 256 MiB each by default)",
            DefaultValueFactory = _ => 4L << 30,
        };
        maxFileBytes.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<long>() <= 0)
            {
                r.AddError("--max-file-bytes must be positive");
            }
        });
        var serve = new Command("serve", "Serve a registry over HTTP: GET versions' files, PUT to publish (verified, all or nothing)") { dir, urls, maxFileBytes };
        serve.SetAction(async (result, cancellationToken) =>
        {
            var app = new RegistryServer(result.GetValue(dir)!.FullName, result.GetValue(maxFileBytes)).Build(result.GetValue(urls)!);
            await app.StartAsync(cancellationToken);
            Console.WriteLine($"serving {result.GetValue(dir)!.FullName} on {string.Join(", ", app.Urls)}");
            await app.WaitForShutdownAsync(cancellationToken);
            return 0;
        });
        var registry = new Command("registry", "The snapshot registry");
        registry.Subcommands.Add(serve);
        return registry;
    }
}
