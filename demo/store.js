"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DEMO_ADDRESS = exports.DEMO_PRODUCTS = void 0;
exports.seedStore = seedStore;
exports.placeOrder = placeOrder;
const utils_1 = require("@medusajs/framework/utils");
const core_flows_1 = require("@medusajs/medusa/core-flows");
/** Products matching the Tryton peer's catalogue, plus the two a store owner gets wrong. */
exports.DEMO_PRODUCTS = [
    { title: "Blue shirt", sku: "SHIRT-BLUE", price: 20, stock: 1000 },
    { title: "Red mug", sku: "MUG-RED", price: 9.5, stock: 1000 },
    { title: "Ghost hat", sku: "HAT-GHOST", price: 15, stock: 1000 },
    { title: "Unlabelled scarf", sku: null, price: 12, stock: 1000 },
];
/**
 * A minimal sellable US store, built only with Medusa's own workflows: region with the system payment
 * provider, sales channel, warehouse with manual fulfillment, a flat shipping option, products with stock
 * and a publishable API key. Used by the demo, the benchmark and the integration tests.
 */
async function seedStore(container, products = exports.DEMO_PRODUCTS) {
    const link = container.resolve(utils_1.ContainerRegistrationKeys.LINK);
    const fulfillment = container.resolve(utils_1.Modules.FULFILLMENT);
    const storeModule = container.resolve(utils_1.Modules.STORE);
    const [store] = await storeModule.listStores();
    const { result: [salesChannel] } = await (0, core_flows_1.createSalesChannelsWorkflow)(container).run({
        input: { salesChannelsData: [{ name: "Webshop" }] },
    });
    await (0, core_flows_1.updateStoresWorkflow)(container).run({
        input: {
            selector: { id: store.id },
            update: {
                supported_currencies: [{ currency_code: "usd", is_default: true }],
                default_sales_channel_id: salesChannel.id,
            },
        },
    });
    const { result: [region] } = await (0, core_flows_1.createRegionsWorkflow)(container).run({
        input: { regions: [{ name: "United States", currency_code: "usd", countries: ["us"], payment_providers: ["pp_system_default"] }] },
    });
    await (0, core_flows_1.createTaxRegionsWorkflow)(container).run({ input: [{ country_code: "us", provider_id: "tp_system" }] });
    const { result: [location] } = await (0, core_flows_1.createStockLocationsWorkflow)(container).run({
        input: { locations: [{ name: "Main warehouse", address: { address_1: "1 Dock Rd", city: "Newark", country_code: "us" } }] },
    });
    await link.create({
        [utils_1.Modules.STOCK_LOCATION]: { stock_location_id: location.id },
        [utils_1.Modules.FULFILLMENT]: { fulfillment_provider_id: "manual_manual" },
    });
    const { result: [profile] } = await (0, core_flows_1.createShippingProfilesWorkflow)(container).run({
        input: { data: [{ name: "Default", type: "default" }] },
    });
    const fulfillmentSet = await fulfillment.createFulfillmentSets({
        name: "Main warehouse shipping",
        type: "shipping",
        service_zones: [{ name: "US", geo_zones: [{ country_code: "us", type: "country" }] }],
    });
    await link.create({
        [utils_1.Modules.STOCK_LOCATION]: { stock_location_id: location.id },
        [utils_1.Modules.FULFILLMENT]: { fulfillment_set_id: fulfillmentSet.id },
    });
    const { result: [shippingOption] } = await (0, core_flows_1.createShippingOptionsWorkflow)(container).run({
        input: [
            {
                name: "Standard shipping",
                price_type: "flat",
                provider_id: "manual_manual",
                service_zone_id: fulfillmentSet.service_zones[0].id,
                shipping_profile_id: profile.id,
                type: { label: "Standard", description: "Ships in 2-3 days", code: "standard" },
                prices: [{ currency_code: "usd", amount: 5 }, { region_id: region.id, amount: 5 }],
                rules: [
                    { attribute: "enabled_in_store", value: "true", operator: "eq" },
                    { attribute: "is_return", value: "false", operator: "eq" },
                ],
            },
        ],
    });
    await (0, core_flows_1.linkSalesChannelsToStockLocationWorkflow)(container).run({ input: { id: location.id, add: [salesChannel.id] } });
    const { result: created } = await (0, core_flows_1.createProductsWorkflow)(container).run({
        input: {
            products: products.map((p) => ({
                title: p.title,
                status: utils_1.ProductStatus.PUBLISHED,
                shipping_profile_id: profile.id,
                options: [{ title: "Size", values: ["One size"] }],
                variants: [
                    {
                        title: "One size",
                        sku: p.sku ?? undefined,
                        options: { Size: "One size" },
                        manage_inventory: true,
                        prices: [{ amount: p.price, currency_code: "usd" }],
                    },
                ],
                sales_channels: [{ id: salesChannel.id }],
            })),
        },
    });
    const query = container.resolve(utils_1.ContainerRegistrationKeys.QUERY);
    const { data: variants } = await query.graph({
        entity: "product_variant",
        fields: ["id", "product.title", "inventory_items.inventory_item_id"],
        filters: { product_id: created.map((p) => p.id) },
    });
    await (0, core_flows_1.createInventoryLevelsWorkflow)(container).run({
        input: {
            inventory_levels: variants.map((v) => ({
                location_id: location.id,
                inventory_item_id: v.inventory_items[0].inventory_item_id,
                stocked_quantity: products.find((p) => p.title === v.product?.title)?.stock ?? 0,
            })),
        },
    });
    const { result: [apiKey] } = await (0, core_flows_1.createApiKeysWorkflow)(container).run({
        input: { api_keys: [{ title: "Webshop", type: "publishable", created_by: "" }] },
    });
    await (0, core_flows_1.linkSalesChannelsToApiKeyWorkflow)(container).run({ input: { id: apiKey.id, add: [salesChannel.id] } });
    return {
        regionId: region.id,
        salesChannelId: salesChannel.id,
        shippingOptionId: shippingOption.id,
        stockLocationId: location.id,
        publishableKey: apiKey.token,
        variants: Object.fromEntries(variants.map((v) => [v.product.title, v.id])),
    };
}
exports.DEMO_ADDRESS = {
    first_name: "Jane",
    last_name: "Doe",
    address_1: "12 Harbour Street",
    city: "Portland",
    postal_code: "04101",
    country_code: "us",
    phone: "+1 207 555 0134",
};
/**
 * Places an order the way checkout does, through Medusa's cart workflows: cart → shipping method →
 * payment session (system provider) → complete. Completion emits order.placed. Returns the order id.
 */
async function placeOrder(container, store, input) {
    const { result: cart } = await (0, core_flows_1.createCartWorkflow)(container).run({
        input: {
            region_id: store.regionId,
            sales_channel_id: store.salesChannelId,
            currency_code: "usd",
            email: input.email,
            shipping_address: exports.DEMO_ADDRESS,
            billing_address: exports.DEMO_ADDRESS,
            items: input.items.map((i) => ({ variant_id: store.variants[i.title], quantity: i.quantity })),
        },
    });
    await (0, core_flows_1.addShippingMethodToCartWorkflow)(container).run({
        input: { cart_id: cart.id, options: [{ id: store.shippingOptionId }] },
    });
    const { result: collection } = await (0, core_flows_1.createPaymentCollectionForCartWorkflow)(container).run({ input: { cart_id: cart.id } });
    await (0, core_flows_1.createPaymentSessionsWorkflow)(container).run({
        input: { payment_collection_id: collection.id, provider_id: "pp_system_default" },
    });
    const { result } = await (0, core_flows_1.completeCartWorkflow)(container).run({ input: { id: cart.id } });
    return result.id;
}
//# sourceMappingURL=data:application/json;base64,eyJ2ZXJzaW9uIjozLCJmaWxlIjoic3RvcmUuanMiLCJzb3VyY2VSb290IjoiIiwic291cmNlcyI6WyJzdG9yZS50cyJdLCJuYW1lcyI6W10sIm1hcHBpbmdzIjoiOzs7QUErQ0EsOEJBNkdDO0FBZ0JELGdDQXlCQztBQXBNRCxxREFBNkY7QUFDN0YsNERBa0JvQztBQWNwQyw0RkFBNEY7QUFDL0UsUUFBQSxhQUFhLEdBQWtCO0lBQzFDLEVBQUUsS0FBSyxFQUFFLFlBQVksRUFBRSxHQUFHLEVBQUUsWUFBWSxFQUFFLEtBQUssRUFBRSxFQUFFLEVBQUUsS0FBSyxFQUFFLElBQUksRUFBRTtJQUNsRSxFQUFFLEtBQUssRUFBRSxTQUFTLEVBQUUsR0FBRyxFQUFFLFNBQVMsRUFBRSxLQUFLLEVBQUUsR0FBRyxFQUFFLEtBQUssRUFBRSxJQUFJLEVBQUU7SUFDN0QsRUFBRSxLQUFLLEVBQUUsV0FBVyxFQUFFLEdBQUcsRUFBRSxXQUFXLEVBQUUsS0FBSyxFQUFFLEVBQUUsRUFBRSxLQUFLLEVBQUUsSUFBSSxFQUFFO0lBQ2hFLEVBQUUsS0FBSyxFQUFFLGtCQUFrQixFQUFFLEdBQUcsRUFBRSxJQUFJLEVBQUUsS0FBSyxFQUFFLEVBQUUsRUFBRSxLQUFLLEVBQUUsSUFBSSxFQUFFO0NBQ2pFLENBQUE7QUFFRDs7OztHQUlHO0FBQ0ksS0FBSyxVQUFVLFNBQVMsQ0FBQyxTQUEwQixFQUFFLFdBQTBCLHFCQUFhO0lBQ2pHLE1BQU0sSUFBSSxHQUFHLFNBQVMsQ0FBQyxPQUFPLENBQUMsaUNBQXlCLENBQUMsSUFBSSxDQUFDLENBQUE7SUFDOUQsTUFBTSxXQUFXLEdBQUcsU0FBUyxDQUFDLE9BQU8sQ0FBQyxlQUFPLENBQUMsV0FBVyxDQUFDLENBQUE7SUFDMUQsTUFBTSxXQUFXLEdBQUcsU0FBUyxDQUFDLE9BQU8sQ0FBQyxlQUFPLENBQUMsS0FBSyxDQUFDLENBQUE7SUFFcEQsTUFBTSxDQUFDLEtBQUssQ0FBQyxHQUFHLE1BQU0sV0FBVyxDQUFDLFVBQVUsRUFBRSxDQUFBO0lBQzlDLE1BQU0sRUFBRSxNQUFNLEVBQUUsQ0FBQyxZQUFZLENBQUMsRUFBRSxHQUFHLE1BQU0sSUFBQSx3Q0FBMkIsRUFBQyxTQUFTLENBQUMsQ0FBQyxHQUFHLENBQUM7UUFDbEYsS0FBSyxFQUFFLEVBQUUsaUJBQWlCLEVBQUUsQ0FBQyxFQUFFLElBQUksRUFBRSxTQUFTLEVBQUUsQ0FBQyxFQUFFO0tBQ3BELENBQUMsQ0FBQTtJQUNGLE1BQU0sSUFBQSxpQ0FBb0IsRUFBQyxTQUFTLENBQUMsQ0FBQyxHQUFHLENBQUM7UUFDeEMsS0FBSyxFQUFFO1lBQ0wsUUFBUSxFQUFFLEVBQUUsRUFBRSxFQUFFLEtBQUssQ0FBQyxFQUFFLEVBQUU7WUFDMUIsTUFBTSxFQUFFO2dCQUNOLG9CQUFvQixFQUFFLENBQUMsRUFBRSxhQUFhLEVBQUUsS0FBSyxFQUFFLFVBQVUsRUFBRSxJQUFJLEVBQUUsQ0FBQztnQkFDbEUsd0JBQXdCLEVBQUUsWUFBWSxDQUFDLEVBQUU7YUFDMUM7U0FDRjtLQUNGLENBQUMsQ0FBQTtJQUNGLE1BQU0sRUFBRSxNQUFNLEVBQUUsQ0FBQyxNQUFNLENBQUMsRUFBRSxHQUFHLE1BQU0sSUFBQSxrQ0FBcUIsRUFBQyxTQUFTLENBQUMsQ0FBQyxHQUFHLENBQUM7UUFDdEUsS0FBSyxFQUFFLEVBQUUsT0FBTyxFQUFFLENBQUMsRUFBRSxJQUFJLEVBQUUsZUFBZSxFQUFFLGFBQWEsRUFBRSxLQUFLLEVBQUUsU0FBUyxFQUFFLENBQUMsSUFBSSxDQUFDLEVBQUUsaUJBQWlCLEVBQUUsQ0FBQyxtQkFBbUIsQ0FBQyxFQUFFLENBQUMsRUFBRTtLQUNuSSxDQUFDLENBQUE7SUFDRixNQUFNLElBQUEscUNBQXdCLEVBQUMsU0FBUyxDQUFDLENBQUMsR0FBRyxDQUFDLEVBQUUsS0FBSyxFQUFFLENBQUMsRUFBRSxZQUFZLEVBQUUsSUFBSSxFQUFFLFdBQVcsRUFBRSxXQUFXLEVBQUUsQ0FBQyxFQUFFLENBQUMsQ0FBQTtJQUU1RyxNQUFNLEVBQUUsTUFBTSxFQUFFLENBQUMsUUFBUSxDQUFDLEVBQUUsR0FBRyxNQUFNLElBQUEseUNBQTRCLEVBQUMsU0FBUyxDQUFDLENBQUMsR0FBRyxDQUFDO1FBQy9FLEtBQUssRUFBRSxFQUFFLFNBQVMsRUFBRSxDQUFDLEVBQUUsSUFBSSxFQUFFLGdCQUFnQixFQUFFLE9BQU8sRUFBRSxFQUFFLFNBQVMsRUFBRSxXQUFXLEVBQUUsSUFBSSxFQUFFLFFBQVEsRUFBRSxZQUFZLEVBQUUsSUFBSSxFQUFFLEVBQUUsQ0FBQyxFQUFFO0tBQzVILENBQUMsQ0FBQTtJQUNGLE1BQU0sSUFBSSxDQUFDLE1BQU0sQ0FBQztRQUNoQixDQUFDLGVBQU8sQ0FBQyxjQUFjLENBQUMsRUFBRSxFQUFFLGlCQUFpQixFQUFFLFFBQVEsQ0FBQyxFQUFFLEVBQUU7UUFDNUQsQ0FBQyxlQUFPLENBQUMsV0FBVyxDQUFDLEVBQUUsRUFBRSx1QkFBdUIsRUFBRSxlQUFlLEVBQUU7S0FDcEUsQ0FBQyxDQUFBO0lBQ0YsTUFBTSxFQUFFLE1BQU0sRUFBRSxDQUFDLE9BQU8sQ0FBQyxFQUFFLEdBQUcsTUFBTSxJQUFBLDJDQUE4QixFQUFDLFNBQVMsQ0FBQyxDQUFDLEdBQUcsQ0FBQztRQUNoRixLQUFLLEVBQUUsRUFBRSxJQUFJLEVBQUUsQ0FBQyxFQUFFLElBQUksRUFBRSxTQUFTLEVBQUUsSUFBSSxFQUFFLFNBQVMsRUFBRSxDQUFDLEVBQUU7S0FDeEQsQ0FBQyxDQUFBO0lBQ0YsTUFBTSxjQUFjLEdBQUcsTUFBTSxXQUFXLENBQUMscUJBQXFCLENBQUM7UUFDN0QsSUFBSSxFQUFFLHlCQUF5QjtRQUMvQixJQUFJLEVBQUUsVUFBVTtRQUNoQixhQUFhLEVBQUUsQ0FBQyxFQUFFLElBQUksRUFBRSxJQUFJLEVBQUUsU0FBUyxFQUFFLENBQUMsRUFBRSxZQUFZLEVBQUUsSUFBSSxFQUFFLElBQUksRUFBRSxTQUFTLEVBQUUsQ0FBQyxFQUFFLENBQUM7S0FDdEYsQ0FBQyxDQUFBO0lBQ0YsTUFBTSxJQUFJLENBQUMsTUFBTSxDQUFDO1FBQ2hCLENBQUMsZUFBTyxDQUFDLGNBQWMsQ0FBQyxFQUFFLEVBQUUsaUJBQWlCLEVBQUUsUUFBUSxDQUFDLEVBQUUsRUFBRTtRQUM1RCxDQUFDLGVBQU8sQ0FBQyxXQUFXLENBQUMsRUFBRSxFQUFFLGtCQUFrQixFQUFFLGNBQWMsQ0FBQyxFQUFFLEVBQUU7S0FDakUsQ0FBQyxDQUFBO0lBQ0YsTUFBTSxFQUFFLE1BQU0sRUFBRSxDQUFDLGNBQWMsQ0FBQyxFQUFFLEdBQUcsTUFBTSxJQUFBLDBDQUE2QixFQUFDLFNBQVMsQ0FBQyxDQUFDLEdBQUcsQ0FBQztRQUN0RixLQUFLLEVBQUU7WUFDTDtnQkFDRSxJQUFJLEVBQUUsbUJBQW1CO2dCQUN6QixVQUFVLEVBQUUsTUFBTTtnQkFDbEIsV0FBVyxFQUFFLGVBQWU7Z0JBQzVCLGVBQWUsRUFBRSxjQUFjLENBQUMsYUFBYSxDQUFDLENBQUMsQ0FBQyxDQUFDLEVBQUU7Z0JBQ25ELG1CQUFtQixFQUFFLE9BQU8sQ0FBQyxFQUFFO2dCQUMvQixJQUFJLEVBQUUsRUFBRSxLQUFLLEVBQUUsVUFBVSxFQUFFLFdBQVcsRUFBRSxtQkFBbUIsRUFBRSxJQUFJLEVBQUUsVUFBVSxFQUFFO2dCQUMvRSxNQUFNLEVBQUUsQ0FBQyxFQUFFLGFBQWEsRUFBRSxLQUFLLEVBQUUsTUFBTSxFQUFFLENBQUMsRUFBRSxFQUFFLEVBQUUsU0FBUyxFQUFFLE1BQU0sQ0FBQyxFQUFFLEVBQUUsTUFBTSxFQUFFLENBQUMsRUFBRSxDQUFDO2dCQUNsRixLQUFLLEVBQUU7b0JBQ0wsRUFBRSxTQUFTLEVBQUUsa0JBQWtCLEVBQUUsS0FBSyxFQUFFLE1BQU0sRUFBRSxRQUFRLEVBQUUsSUFBSSxFQUFFO29CQUNoRSxFQUFFLFNBQVMsRUFBRSxXQUFXLEVBQUUsS0FBSyxFQUFFLE9BQU8sRUFBRSxRQUFRLEVBQUUsSUFBSSxFQUFFO2lCQUMzRDthQUNGO1NBQ0Y7S0FDRixDQUFDLENBQUE7SUFDRixNQUFNLElBQUEscURBQXdDLEVBQUMsU0FBUyxDQUFDLENBQUMsR0FBRyxDQUFDLEVBQUUsS0FBSyxFQUFFLEVBQUUsRUFBRSxFQUFFLFFBQVEsQ0FBQyxFQUFFLEVBQUUsR0FBRyxFQUFFLENBQUMsWUFBWSxDQUFDLEVBQUUsQ0FBQyxFQUFFLEVBQUUsQ0FBQyxDQUFBO0lBRXJILE1BQU0sRUFBRSxNQUFNLEVBQUUsT0FBTyxFQUFFLEdBQUcsTUFBTSxJQUFBLG1DQUFzQixFQUFDLFNBQVMsQ0FBQyxDQUFDLEdBQUcsQ0FBQztRQUN0RSxLQUFLLEVBQUU7WUFDTCxRQUFRLEVBQUUsUUFBUSxDQUFDLEdBQUcsQ0FBQyxDQUFDLENBQUMsRUFBRSxFQUFFLENBQUMsQ0FBQztnQkFDN0IsS0FBSyxFQUFFLENBQUMsQ0FBQyxLQUFLO2dCQUNkLE1BQU0sRUFBRSxxQkFBYSxDQUFDLFNBQVM7Z0JBQy9CLG1CQUFtQixFQUFFLE9BQU8sQ0FBQyxFQUFFO2dCQUMvQixPQUFPLEVBQUUsQ0FBQyxFQUFFLEtBQUssRUFBRSxNQUFNLEVBQUUsTUFBTSxFQUFFLENBQUMsVUFBVSxDQUFDLEVBQUUsQ0FBQztnQkFDbEQsUUFBUSxFQUFFO29CQUNSO3dCQUNFLEtBQUssRUFBRSxVQUFVO3dCQUNqQixHQUFHLEVBQUUsQ0FBQyxDQUFDLEdBQUcsSUFBSSxTQUFTO3dCQUN2QixPQUFPLEVBQUUsRUFBRSxJQUFJLEVBQUUsVUFBVSxFQUFFO3dCQUM3QixnQkFBZ0IsRUFBRSxJQUFJO3dCQUN0QixNQUFNLEVBQUUsQ0FBQyxFQUFFLE1BQU0sRUFBRSxDQUFDLENBQUMsS0FBSyxFQUFFLGFBQWEsRUFBRSxLQUFLLEVBQUUsQ0FBQztxQkFDcEQ7aUJBQ0Y7Z0JBQ0QsY0FBYyxFQUFFLENBQUMsRUFBRSxFQUFFLEVBQUUsWUFBWSxDQUFDLEVBQUUsRUFBRSxDQUFDO2FBQzFDLENBQUMsQ0FBQztTQUNKO0tBQ0YsQ0FBQyxDQUFBO0lBQ0YsTUFBTSxLQUFLLEdBQUcsU0FBUyxDQUFDLE9BQU8sQ0FBQyxpQ0FBeUIsQ0FBQyxLQUFLLENBQUMsQ0FBQTtJQUNoRSxNQUFNLEVBQUUsSUFBSSxFQUFFLFFBQVEsRUFBRSxHQUFHLE1BQU0sS0FBSyxDQUFDLEtBQUssQ0FBQztRQUMzQyxNQUFNLEVBQUUsaUJBQWlCO1FBQ3pCLE1BQU0sRUFBRSxDQUFDLElBQUksRUFBRSxlQUFlLEVBQUUsbUNBQW1DLENBQUM7UUFDcEUsT0FBTyxFQUFFLEVBQUUsVUFBVSxFQUFFLE9BQU8sQ0FBQyxHQUFHLENBQUMsQ0FBQyxDQUFDLEVBQUUsRUFBRSxDQUFDLENBQUMsQ0FBQyxFQUFFLENBQUMsRUFBRTtLQUNsRCxDQUFDLENBQUE7SUFDRixNQUFNLElBQUEsMENBQTZCLEVBQUMsU0FBUyxDQUFDLENBQUMsR0FBRyxDQUFDO1FBQ2pELEtBQUssRUFBRTtZQUNMLGdCQUFnQixFQUFFLFFBQVEsQ0FBQyxHQUFHLENBQUMsQ0FBQyxDQUFDLEVBQUUsRUFBRSxDQUFDLENBQUM7Z0JBQ3JDLFdBQVcsRUFBRSxRQUFRLENBQUMsRUFBRTtnQkFDeEIsaUJBQWlCLEVBQUUsQ0FBQyxDQUFDLGVBQWdCLENBQUMsQ0FBQyxDQUFFLENBQUMsaUJBQWlCO2dCQUMzRCxnQkFBZ0IsRUFBRSxRQUFRLENBQUMsSUFBSSxDQUFDLENBQUMsQ0FBQyxFQUFFLEVBQUUsQ0FBQyxDQUFDLENBQUMsS0FBSyxLQUFLLENBQUMsQ0FBQyxPQUFPLEVBQUUsS0FBSyxDQUFDLEVBQUUsS0FBSyxJQUFJLENBQUM7YUFDakYsQ0FBQyxDQUFDO1NBQ0o7S0FDRixDQUFDLENBQUE7SUFDRixNQUFNLEVBQUUsTUFBTSxFQUFFLENBQUMsTUFBTSxDQUFDLEVBQUUsR0FBRyxNQUFNLElBQUEsa0NBQXFCLEVBQUMsU0FBUyxDQUFDLENBQUMsR0FBRyxDQUFDO1FBQ3RFLEtBQUssRUFBRSxFQUFFLFFBQVEsRUFBRSxDQUFDLEVBQUUsS0FBSyxFQUFFLFNBQVMsRUFBRSxJQUFJLEVBQUUsYUFBYSxFQUFFLFVBQVUsRUFBRSxFQUFFLEVBQUUsQ0FBQyxFQUFFO0tBQ2pGLENBQUMsQ0FBQTtJQUNGLE1BQU0sSUFBQSw4Q0FBaUMsRUFBQyxTQUFTLENBQUMsQ0FBQyxHQUFHLENBQUMsRUFBRSxLQUFLLEVBQUUsRUFBRSxFQUFFLEVBQUUsTUFBTSxDQUFDLEVBQUUsRUFBRSxHQUFHLEVBQUUsQ0FBQyxZQUFZLENBQUMsRUFBRSxDQUFDLEVBQUUsRUFBRSxDQUFDLENBQUE7SUFFNUcsT0FBTztRQUNMLFFBQVEsRUFBRSxNQUFNLENBQUMsRUFBRTtRQUNuQixjQUFjLEVBQUUsWUFBWSxDQUFDLEVBQUU7UUFDL0IsZ0JBQWdCLEVBQUUsY0FBYyxDQUFDLEVBQUU7UUFDbkMsZUFBZSxFQUFFLFFBQVEsQ0FBQyxFQUFFO1FBQzVCLGNBQWMsRUFBRSxNQUFNLENBQUMsS0FBSztRQUM1QixRQUFRLEVBQUUsTUFBTSxDQUFDLFdBQVcsQ0FBQyxRQUFRLENBQUMsR0FBRyxDQUFDLENBQUMsQ0FBQyxFQUFFLEVBQUUsQ0FBQyxDQUFDLENBQUMsQ0FBQyxPQUFRLENBQUMsS0FBSyxFQUFFLENBQUMsQ0FBQyxFQUFFLENBQUMsQ0FBQyxDQUFDO0tBQzVFLENBQUE7QUFDSCxDQUFDO0FBRVksUUFBQSxZQUFZLEdBQUc7SUFDMUIsVUFBVSxFQUFFLE1BQU07SUFDbEIsU0FBUyxFQUFFLEtBQUs7SUFDaEIsU0FBUyxFQUFFLG1CQUFtQjtJQUM5QixJQUFJLEVBQUUsVUFBVTtJQUNoQixXQUFXLEVBQUUsT0FBTztJQUNwQixZQUFZLEVBQUUsSUFBSTtJQUNsQixLQUFLLEVBQUUsaUJBQWlCO0NBQ3pCLENBQUE7QUFFRDs7O0dBR0c7QUFDSSxLQUFLLFVBQVUsVUFBVSxDQUM5QixTQUEwQixFQUMxQixLQUFrQixFQUNsQixLQUEyRTtJQUUzRSxNQUFNLEVBQUUsTUFBTSxFQUFFLElBQUksRUFBRSxHQUFHLE1BQU0sSUFBQSwrQkFBa0IsRUFBQyxTQUFTLENBQUMsQ0FBQyxHQUFHLENBQUM7UUFDL0QsS0FBSyxFQUFFO1lBQ0wsU0FBUyxFQUFFLEtBQUssQ0FBQyxRQUFRO1lBQ3pCLGdCQUFnQixFQUFFLEtBQUssQ0FBQyxjQUFjO1lBQ3RDLGFBQWEsRUFBRSxLQUFLO1lBQ3BCLEtBQUssRUFBRSxLQUFLLENBQUMsS0FBSztZQUNsQixnQkFBZ0IsRUFBRSxvQkFBWTtZQUM5QixlQUFlLEVBQUUsb0JBQVk7WUFDN0IsS0FBSyxFQUFFLEtBQUssQ0FBQyxLQUFLLENBQUMsR0FBRyxDQUFDLENBQUMsQ0FBQyxFQUFFLEVBQUUsQ0FBQyxDQUFDLEVBQUUsVUFBVSxFQUFFLEtBQUssQ0FBQyxRQUFRLENBQUMsQ0FBQyxDQUFDLEtBQUssQ0FBQyxFQUFFLFFBQVEsRUFBRSxDQUFDLENBQUMsUUFBUSxFQUFFLENBQUMsQ0FBQztTQUMvRjtLQUNGLENBQUMsQ0FBQTtJQUNGLE1BQU0sSUFBQSw0Q0FBK0IsRUFBQyxTQUFTLENBQUMsQ0FBQyxHQUFHLENBQUM7UUFDbkQsS0FBSyxFQUFFLEVBQUUsT0FBTyxFQUFFLElBQUksQ0FBQyxFQUFFLEVBQUUsT0FBTyxFQUFFLENBQUMsRUFBRSxFQUFFLEVBQUUsS0FBSyxDQUFDLGdCQUFnQixFQUFFLENBQUMsRUFBRTtLQUN2RSxDQUFDLENBQUE7SUFDRixNQUFNLEVBQUUsTUFBTSxFQUFFLFVBQVUsRUFBRSxHQUFHLE1BQU0sSUFBQSxtREFBc0MsRUFBQyxTQUFTLENBQUMsQ0FBQyxHQUFHLENBQUMsRUFBRSxLQUFLLEVBQUUsRUFBRSxPQUFPLEVBQUUsSUFBSSxDQUFDLEVBQUUsRUFBRSxFQUFFLENBQUMsQ0FBQTtJQUMzSCxNQUFNLElBQUEsMENBQTZCLEVBQUMsU0FBUyxDQUFDLENBQUMsR0FBRyxDQUFDO1FBQ2pELEtBQUssRUFBRSxFQUFFLHFCQUFxQixFQUFFLFVBQVUsQ0FBQyxFQUFFLEVBQUUsV0FBVyxFQUFFLG1CQUFtQixFQUFFO0tBQ2xGLENBQUMsQ0FBQTtJQUNGLE1BQU0sRUFBRSxNQUFNLEVBQUUsR0FBRyxNQUFNLElBQUEsaUNBQW9CLEVBQUMsU0FBUyxDQUFDLENBQUMsR0FBRyxDQUFDLEVBQUUsS0FBSyxFQUFFLEVBQUUsRUFBRSxFQUFFLElBQUksQ0FBQyxFQUFFLEVBQUUsRUFBRSxDQUFDLENBQUE7SUFDeEYsT0FBTyxNQUFNLENBQUMsRUFBRSxDQUFBO0FBQ2xCLENBQUMifQ==