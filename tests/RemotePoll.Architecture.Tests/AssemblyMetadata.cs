using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace RemotePoll.Architecture.Tests;

/// <summary>
/// What a built assembly depends on, from its metadata: the assemblies it references and every type it names from
/// them (in signatures, fields and method bodies alike: the compiler puts each in the type-reference table).
/// </summary>
public sealed class AssemblyMetadata
{
    private AssemblyMetadata(string name, IReadOnlyList<string> assemblies, IReadOnlyList<(string Assembly, string Type)> types)
    {
        Name = name;
        ReferencedAssemblies = assemblies;
        ReferencedTypes = types;
    }

    public string Name { get; }

    /// <summary>Simple names of the referenced assemblies.</summary>
    public IReadOnlyList<string> ReferencedAssemblies { get; }

    /// <summary>Full names (Namespace.Type, nested as Outer+Inner) of the types named from other assemblies, with their assembly.</summary>
    public IReadOnlyList<(string Assembly, string Type)> ReferencedTypes { get; }

    public static AssemblyMetadata Of(Assembly assembly)
    {
        using var stream = File.OpenRead(assembly.Location);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var assemblies = reader.AssemblyReferences.Select(h => reader.GetString(reader.GetAssemblyReference(h).Name)).ToList();
        var types = reader.TypeReferences.Select(h => Describe(reader, h)).ToList();
        return new AssemblyMetadata(assembly.GetName().Name!, assemblies, types);
    }

    /// <summary>
    /// Simple names of every assembly <paramref name="assembly"/> references, directly or through the ones it references,
    /// found beside this test (which is built with all of them). Framework assemblies are not followed.
    /// </summary>
    public static IReadOnlySet<string> Reachable(Assembly assembly)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var next = new Queue<string>([assembly.Location]);
        while (next.TryDequeue(out var path))
        {
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            var reader = pe.GetMetadataReader();
            foreach (var h in reader.AssemblyReferences)
            {
                var name = reader.GetString(reader.GetAssemblyReference(h).Name);
                var file = Path.Combine(AppContext.BaseDirectory, name + ".dll");
                if (seen.Add(name) && File.Exists(file)) next.Enqueue(file);
            }
        }
        return seen;
    }

    private static (string Assembly, string Type) Describe(MetadataReader reader, TypeReferenceHandle handle)
    {
        var type = reader.GetTypeReference(handle);
        var name = reader.GetString(type.Name);
        var scope = type.ResolutionScope;
        if (scope.Kind == HandleKind.TypeReference)
        {
            var (assembly, outer) = Describe(reader, (TypeReferenceHandle)scope);
            return (assembly, outer + "+" + name);
        }
        var ns = reader.GetString(type.Namespace);
        var full = ns.Length == 0 ? name : ns + "." + name;
        var owner = scope.Kind == HandleKind.AssemblyReference
            ? reader.GetString(reader.GetAssemblyReference((AssemblyReferenceHandle)scope).Name)
            : "";
        return (owner, full);
    }
}
