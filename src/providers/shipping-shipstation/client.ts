import { isAxiosError } from "axios"
import type { z } from "@medusajs/framework/zod"
import type { HttpClient, HttpRequest } from "../../lib/http/client"
import { IntegrationError } from "../../lib/errors"
import { notAsDescribed } from "../vendor-answer"
import { errorBodySchema, labelListSchema, labelSchema, ratesResponseSchema, shipmentSchema, trackingSchema, voidResponseSchema } from "./types"

/**
 * Thin client for ShipStation API v2 in its own vocabulary (rates, labels, shipments, tracking), on the hub's HTTP
 * layer (the connection's log, rate limit, breaker and retries). Answers are checked against what the adapter
 * reads; ShipStation's error bodies (`errors[].message`) become the IntegrationError's words here and nowhere else.
 */
export class ShipStationClient {
  constructor(private readonly http: HttpClient, private readonly apiKey: string) {}

  /** GET /v2/carriers: proves the API key. */
  async carriers(): Promise<void> {
    await this.send({ method: "GET", url: "/v2/carriers", operation: "carriers.list", safe: true })
  }

  /** POST /v2/rates: rating changes nothing at ShipStation, so it is safe to repeat. */
  rates(body: unknown) {
    return this.send({ method: "POST", url: "/v2/rates", operation: "rates.calculate", data: body, safe: true }, ratesResponseSchema)
  }

  /** POST /v2/labels: buys a label. Not repeated in place: a lost answer is found by external_shipment_id instead. */
  createLabel(body: unknown) {
    return this.send({ method: "POST", url: "/v2/labels", operation: "labels.create", data: body }, labelSchema)
  }

  /** GET /v2/shipments/external_shipment_id/{id}; null when ShipStation has no shipment with our id. */
  async shipmentByExternalId(externalShipmentId: string) {
    try {
      return await this.send(
        { method: "GET", url: `/v2/shipments/external_shipment_id/${encodeURIComponent(externalShipmentId)}`, operation: "shipments.by_external_id", safe: true },
        shipmentSchema
      )
    } catch (err) {
      if (err instanceof IntegrationError && err.httpStatus === 404) return null
      throw err
    }
  }

  /** GET /v2/labels?shipment_id=: the labels bought for a shipment, newest first. */
  async labelsOfShipment(shipmentId: string) {
    const url = `/v2/labels?shipment_id=${encodeURIComponent(shipmentId)}&sort_by=created_at&sort_dir=desc`
    return (await this.send({ method: "GET", url, operation: "labels.list", safe: true }, labelListSchema)).labels
  }

  /** PUT /v2/labels/{id}/void: a second void of the same label changes nothing, so it is safe to repeat. */
  voidLabel(labelId: string) {
    return this.send({ method: "PUT", url: `/v2/labels/${encodeURIComponent(labelId)}/void`, operation: "labels.void", safe: true }, voidResponseSchema)
  }

  /** GET /v2/labels/{id}/track. */
  track(labelId: string) {
    return this.send({ method: "GET", url: `/v2/labels/${encodeURIComponent(labelId)}/track`, operation: "labels.track", safe: true }, trackingSchema)
  }

  private async send<S extends z.ZodType>(req: HttpRequest, schema?: S): Promise<z.output<S>> {
    let data: unknown
    try {
      const authed = { ...req, headers: { ...req.headers, "api-key": this.apiKey } }
      data = (await this.http.request<unknown>(authed, (body) => ({ error: schema ? notAsDescribed("ShipStation", this.http.connectionId, req.operation, schema, body) : undefined }))).data
    } catch (err) {
      throw this.inWords(req.operation, err)
    }
    return schema ? schema.parse(data) : (data as z.output<S>)
  }

  /** A refused call says what ShipStation said; 401/403 name the option to fix. Status classification stays the HTTP layer's. */
  private inWords(operation: string, err: unknown): unknown {
    if (!(err instanceof IntegrationError) || !err.httpStatus) return err
    const connectionId = this.http.connectionId
    if (err.httpStatus === 401 || err.httpStatus === 403) {
      return new IntegrationError(`ShipStation refused the API key of connection "${connectionId}" (HTTP ${err.httpStatus}): check options.apiKey`, {
        connectionId, code: "shipstation_unauthorized", retryable: false, httpStatus: err.httpStatus,
      })
    }
    const cause = (err as { cause?: unknown }).cause
    const body = errorBodySchema.safeParse(isAxiosError(cause) ? cause.response?.data : undefined)
    if (!body.success) return err
    const words = body.data.errors.map((e) => e.message).join("; ")
    return new IntegrationError(`ShipStation refused ${operation} (HTTP ${err.httpStatus}): ${words}${err.retryable ? " (will retry)" : ""}`, {
      connectionId, code: body.data.errors[0].error_code ? `shipstation_${body.data.errors[0].error_code}` : err.code, retryable: err.retryable,
      httpStatus: err.httpStatus, retryAfterMs: err.retryAfterMs,
    })
  }
}
