using System.Text.Json;
using BetterData.Grains.Catalog;
using BetterData.Grains.Events;
using BetterData.Grains.Hosting;
using BetterData.Grains.Loops;
using BetterData.Grains.Sessions;

namespace BetterData.Grains.Orders;

/// <summary>
/// Allocation is all or nothing per order: each line reserves from its product's locations with stock; when any line
/// cannot be met, every reservation already made is released. Reservations are keyed <c>{order}#{line}</c>, so a
/// retry after a crash mid-allocation does not take stock twice.
/// </summary>
public sealed class OrderGrain(
    [PersistentState("order", StorageNames.Default)] IPersistentState<OrderState> state, IOrderIndex orders) : Grain, IOrderGrain
{
    // An order placed before the order list existed lists itself the first time it activates.
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State is { Order: { } order, Announced: true, Listed: false })
        {
            await orders.RecordAsync(CommerceKeys.Split(this.GetPrimaryKeyString()).TenantId, order);
            state.State.Listed = true;
            await state.WriteStateAsync(cancellationToken);
        }
    }

    public async Task<OrderView> PlaceAsync(OrderPlaced order)
    {
        var tenantId = CommerceKeys.Split(this.GetPrimaryKeyString()).TenantId;
        if (state.State.Order is { } placed)
        {
            if (!state.State.Announced)
            {
                await AnnounceAsync(tenantId, placed);
            }

            return placed;
        }

        var index = GrainFactory.GetGrain<ICatalogIndexGrain>(tenantId);
        var reserved = new List<(IProductGrain Product, string ReservationId)>();
        var unmet = new List<OrderLine>();
        for (var i = 0; i < order.Lines.Count; i++)
        {
            var line = order.Lines[i];
            var productId = line.ProductId;
            var variantId = line.VariantId;
            if (productId is null && variantId is not null && await index.ResolveAsync(variantId) is { } item)
            {
                productId = item.ProductId;
            }

            if (productId is null)
            {
                unmet.Add(line);
                continue;
            }

            var product = GrainFactory.GetGrain<IProductGrain>(CommerceKeys.Of(tenantId, productId));
            var reservationId = $"{order.OrderId}#{i}";
            if (await product.ReserveAsync(reservationId, variantId, line.Quantity))
            {
                reserved.Add((product, reservationId));
            }
            else
            {
                unmet.Add(line);
            }
        }

        if (unmet.Count > 0)
        {
            await Task.WhenAll(reserved.Select(r => r.Product.ReleaseAsync(r.ReservationId)));
        }

        var view = new OrderView(order.OrderId, order.Source, unmet.Count == 0 ? "allocated" : "allocation_failed", order.Lines, unmet,
            order.SessionId, order.CreatedAt);
        state.State.Order = view;
        await state.WriteStateAsync();
        await AnnounceAsync(tenantId, view);
        return view;
    }

    public Task<OrderView?> GetAsync() => Task.FromResult(state.State.Order);

    // After the allocation is durable: the order's row in the list (a rewrite is harmless), then the event, whose
    // idempotency key makes a repeated publish after a crash harmless.
    private async Task AnnounceAsync(string tenantId, OrderView order)
    {
        await orders.RecordAsync(tenantId, order);
        var unmet = order.UnmetLines;
        var type = unmet.Count == 0 ? EventTypes.OrderAllocationSucceeded : EventTypes.OrderAllocationFailed;
        var data = JsonSerializer.Serialize(new
        {
            tenantId,
            orderId = order.OrderId,
            source = order.Source,
            sessionId = order.SessionId,
            lines = order.Lines,
            unmetLines = unmet,
        }, JsonSerializerOptions.Web);
        await GrainFactory.GetGrain<ITenantEventsGrain>(tenantId).PublishAsync(new PublishRequest(type, data, $"order:{order.OrderId}"));

        // The orders loop: a repeat (redelivery after a crash) is a no-op in the loop grain.
        var loop = GrainFactory.GetGrain<ILoopEntityGrain>(LoopKeys.Of(tenantId, LoopMachines.Orders, order.OrderId));
        await loop.TransitionAsync("created");
        await loop.TransitionAsync(order.Status);

        if (order.SessionId is { } sessionId)
        {
            await GrainFactory.GetGrain<ISessionGrain>(sessionId).CompleteAsync(tenantId, order.OrderId, order.Source);
        }

        state.State.Announced = true;
        state.State.Listed = true;
        await state.WriteStateAsync();
    }
}
