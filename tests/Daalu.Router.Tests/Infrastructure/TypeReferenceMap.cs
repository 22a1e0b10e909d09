using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Daalu.Router.Tests.Infrastructure;

/// <summary>
/// Which types each type of a compiled assembly uses, read with System.Reflection.Metadata (ECMA-335 tables): base type,
/// interfaces, attributes, field/method/property signatures, locals, and every type, method or field token in method
/// bodies. Nested types (async state machines, closures, iterators) are attributed to their outermost type, so a
/// reference made inside a lambda or an await counts for the class that wrote it.
/// </summary>
internal sealed class TypeReferenceMap
{
    /// <summary>One use: <paramref name="From"/> (an outermost type) uses <paramref name="To"/> ("Ns.Outer+Inner").</summary>
    public sealed record Reference(string From, string To);

    private static readonly Dictionary<ushort, OperandType> OperandTypes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => unchecked((ushort)o.Value), o => o.OperandType);

    private readonly List<Reference> _references;
    private readonly HashSet<string> _types;

    private TypeReferenceMap(List<Reference> references, HashSet<string> types)
    {
        _references = references;
        _types = types;
    }

    /// <summary>Every distinct use made by a type of namespace <paramref name="ns"/> (exactly that namespace).</summary>
    public IReadOnlyList<Reference> ReferencesFrom(string ns) => [.. _references.Where(r => InNamespace(r.From, ns))];

    /// <summary>The outermost types declared in namespace <paramref name="ns"/>.</summary>
    public IReadOnlyList<string> TypesIn(string ns) => [.. _types.Where(t => InNamespace(t, ns))];

    /// <summary>Whether the outermost type of <paramref name="typeName"/> is declared in exactly <paramref name="ns"/>.</summary>
    public static bool InNamespace(string typeName, string ns)
    {
        var outer = typeName.Split('+')[0];
        var dot = outer.LastIndexOf('.');
        return dot > 0 && outer.AsSpan(0, dot).SequenceEqual(ns);
    }

    /// <summary>Reads the assembly at <paramref name="path"/>.</summary>
    public static TypeReferenceMap Read(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var md = pe.GetMetadataReader();
        var names = new NameProvider(md);
        var references = new HashSet<Reference>();
        var types = new HashSet<string>(StringComparer.Ordinal);
        foreach (var handle in md.TypeDefinitions)
        {
            var owner = names.Outermost(handle);
            types.Add(owner);
            names.Seen.Clear();
            Collect(md, pe, names, handle);
            foreach (var to in names.Seen)
            {
                references.Add(new Reference(owner, to));
            }
        }

        return new TypeReferenceMap([.. references], types);
    }

    private static void Collect(MetadataReader md, PEReader pe, NameProvider names, TypeDefinitionHandle handle)
    {
        var type = md.GetTypeDefinition(handle);
        names.AddEntity(type.BaseType);
        foreach (var i in type.GetInterfaceImplementations())
        {
            names.AddEntity(md.GetInterfaceImplementation(i).Interface);
        }

        names.AddAttributes(type.GetCustomAttributes());
        foreach (var f in type.GetFields())
        {
            var field = md.GetFieldDefinition(f);
            field.DecodeSignature(names, null);
            names.AddAttributes(field.GetCustomAttributes());
        }

        foreach (var p in type.GetProperties())
        {
            var property = md.GetPropertyDefinition(p);
            property.DecodeSignature(names, null);
            names.AddAttributes(property.GetCustomAttributes());
        }

        foreach (var m in type.GetMethods())
        {
            var method = md.GetMethodDefinition(m);
            method.DecodeSignature(names, null);
            names.AddAttributes(method.GetCustomAttributes());
            if (method.RelativeVirtualAddress == 0)
            {
                continue;
            }

            var body = pe.GetMethodBody(method.RelativeVirtualAddress);
            if (!body.LocalSignature.IsNil)
            {
                md.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(names, null);
            }

            ScanIl(body.GetILReader(), names);
        }
    }

    // Walks the IL instruction by instruction (ECMA-335 III) and records every metadata token an instruction carries.
    private static void ScanIl(BlobReader il, NameProvider names)
    {
        while (il.RemainingBytes > 0)
        {
            ushort code = il.ReadByte();
            if (code == 0xFE)
            {
                code = (ushort)(0xFE00 | il.ReadByte());
            }

            switch (OperandTypes[code])
            {
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    il.ReadByte();
                    break;
                case OperandType.InlineVar:
                    il.ReadInt16();
                    break;
                case OperandType.InlineBrTarget or OperandType.InlineI or OperandType.ShortInlineR or OperandType.InlineString or OperandType.InlineSig:
                    il.ReadInt32();
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    il.ReadInt64();
                    break;
                case OperandType.InlineSwitch:
                    var targets = il.ReadInt32();
                    for (var i = 0; i < targets; i++)
                    {
                        il.ReadInt32();
                    }

                    break;
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                    names.AddEntity(MetadataTokens.EntityHandle(il.ReadInt32()));
                    break;
                default:
                    throw new InvalidOperationException($"unknown operand type for opcode 0x{code:X4}");
            }
        }
    }

    // Names every type a signature or token mentions and records it in Seen.
    private sealed class NameProvider(MetadataReader md) : ISignatureTypeProvider<string, object?>
    {
        public HashSet<string> Seen { get; } = new(StringComparer.Ordinal);

        public string Outermost(TypeDefinitionHandle handle)
        {
            var type = md.GetTypeDefinition(handle);
            var declaring = type.GetDeclaringType();
            return declaring.IsNil ? NameOf(handle) : Outermost(declaring);
        }

        public void AddAttributes(CustomAttributeHandleCollection attributes)
        {
            foreach (var a in attributes)
            {
                AddEntity(md.GetCustomAttribute(a).Constructor);
            }
        }

        public void AddEntity(EntityHandle handle)
        {
            if (handle.IsNil)
            {
                return;
            }

            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition:
                    GetTypeFromDefinition(md, (TypeDefinitionHandle)handle, 0);
                    break;
                case HandleKind.TypeReference:
                    GetTypeFromReference(md, (TypeReferenceHandle)handle, 0);
                    break;
                case HandleKind.TypeSpecification:
                    md.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null);
                    break;
                case HandleKind.MethodDefinition:
                    AddEntity(md.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType());
                    break;
                case HandleKind.FieldDefinition:
                    AddEntity(md.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType());
                    break;
                case HandleKind.MethodSpecification:
                    var spec = md.GetMethodSpecification((MethodSpecificationHandle)handle);
                    AddEntity(spec.Method);
                    spec.DecodeSignature(this, null);
                    break;
                case HandleKind.MemberReference:
                    var member = md.GetMemberReference((MemberReferenceHandle)handle);
                    AddEntity(member.Parent);
                    if (member.GetKind() == MemberReferenceKind.Method)
                    {
                        member.DecodeMethodSignature(this, null);
                    }
                    else
                    {
                        member.DecodeFieldSignature(this, null);
                    }

                    break;
            }
        }

        private string NameOf(TypeDefinitionHandle handle)
        {
            var type = md.GetTypeDefinition(handle);
            var declaring = type.GetDeclaringType();
            var name = md.GetString(type.Name);
            return declaring.IsNil ? Qualify(md.GetString(type.Namespace), name) : $"{NameOf(declaring)}+{name}";
        }

        private static string Qualify(string ns, string name) => ns.Length == 0 ? name : $"{ns}.{name}";

        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => Record(NameOf(handle));

        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
        {
            var type = reader.GetTypeReference(handle);
            var name = reader.GetString(type.Name);
            var full = type.ResolutionScope.Kind == HandleKind.TypeReference
                ? $"{GetTypeFromReference(reader, (TypeReferenceHandle)type.ResolutionScope, rawTypeKind)}+{name}"
                : Qualify(reader.GetString(type.Namespace), name);
            return Record(full);
        }

        public string GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

        private string Record(string name)
        {
            Seen.Add(name);
            return name;
        }

        public string GetArrayType(string elementType, ArrayShape shape) => elementType;

        public string GetByReferenceType(string elementType) => elementType;

        public string GetFunctionPointerType(MethodSignature<string> signature) => "fnptr";

        public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) => genericType;

        public string GetGenericMethodParameter(object? genericContext, int index) => $"!!{index}";

        public string GetGenericTypeParameter(object? genericContext, int index) => $"!{index}";

        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;

        public string GetPinnedType(string elementType) => elementType;

        public string GetPointerType(string elementType) => elementType;

        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();

        public string GetSZArrayType(string elementType) => elementType;
    }
}
