namespace Daalu.Operator.Children;

/// <summary>What <see cref="ChildApplier"/> does with a child that exists.</summary>
public enum ChildApplyMode
{
    /// <summary>Replace it when its spec-hash differs from the desired one (controller-runtime's CreateOrUpdate).</summary>
    CreateOrUpdate,

    /// <summary>Leave it as it is (objects whose spec the server makes immutable, such as a PersistentVolumeClaim).</summary>
    CreateOnly,
}
