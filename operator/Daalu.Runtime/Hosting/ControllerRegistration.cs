using Daalu.Runtime.Controllers;

namespace Daalu.Runtime.Hosting;

/// <summary>Builds one controller from the service provider (registered by <see cref="OperatorBuilder.AddController{T, TReconciler}"/>).</summary>
internal sealed record ControllerRegistration(string Kind, Func<IServiceProvider, Controller> Build);
