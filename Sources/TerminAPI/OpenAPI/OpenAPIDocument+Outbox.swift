extension OpenAPIDocument {
    /// The outbox's admin routes and schemas, merged into the document.
    static let outboxText = #"""
    {
      "paths": {
        "/v1/outbox/dead": {
          "get": {"summary": "The messages to citizens the delivery gave up on (admins), the latest first, at most 500; no contact data", "operationId": "listDeadMessages", "tags": ["operations"], "security": [{"staff": []}],
                  "responses": {"200": {"description": "Dead messages", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DeadMessageList"}}}},
                                "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}}}
        },
        "/v1/outbox/{id}/retry": {
          "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
          "post": {"summary": "Give a dead message its tries again (admins): pending and due at once; still not sent if a later change made it stale", "operationId": "retryDeadMessage", "tags": ["operations"], "security": [{"staff": []}],
                   "responses": {"204": {"description": "Pending again"},
                                 "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"},
                                 "404": {"$ref": "#/components/responses/Problem"}}}
        },
        "/v1/webhooks": {
          "post": {"summary": "Register a webhook receiver (admins): its URL and the events it wants. The answer carries its secret (whsec_…) this once; events are signed as Standard Webhooks says (webhook-id, webhook-timestamp, webhook-signature), carry no contact data, and are delivered at least once with the mail's retries (then dead, listed above)", "operationId": "registerWebhook", "tags": ["operations"], "security": [{"staff": []}],
                   "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WebhookRegistration"}}}},
                   "responses": {"201": {"description": "The receiver and its secret", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Webhook"}}}},
                                 "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"},
                                 "422": {"$ref": "#/components/responses/Problem"}}},
          "get": {"summary": "The webhook receivers (admins), without their secrets", "operationId": "listWebhooks", "tags": ["operations"], "security": [{"staff": []}],
                  "responses": {"200": {"description": "Receivers, oldest first", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WebhookList"}}}},
                                "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}}}
        },
        "/v1/webhooks/{id}": {
          "parameters": [{"name": "id", "in": "path", "required": true, "schema": \#(id)}],
          "delete": {"summary": "Remove a webhook receiver (admins) and the events it has not received", "operationId": "removeWebhook", "tags": ["operations"], "security": [{"staff": []}],
                     "responses": {"204": {"description": "Removed"},
                                   "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"},
                                   "404": {"$ref": "#/components/responses/Problem"}}}
        }
      },
      "schemas": {
        "WebhookEvent": {"type": "string", "enum": ["booking.created", "booking.moved", "booking.cancelled", "booking.no_show"]},
        "WebhookRegistration": {"type": "object", "required": ["url", "events"], "properties": {
          "url": {"type": "string", "maxLength": 2000, "pattern": "^https?://[^\\s/?#][^\\s]*$"},
          "events": {"type": "array", "minItems": 1, "maxItems": 4, "uniqueItems": true, "items": {"$ref": "#/components/schemas/WebhookEvent"}}}},
        "Webhook": {"type": "object", "required": ["id", "url", "events", "created_at"], "properties": {
          "id": {"type": "integer", "minimum": 1}, "url": {"type": "string"},
          "events": {"type": "array", "items": {"$ref": "#/components/schemas/WebhookEvent"}},
          "created_at": {"type": "string", "format": "date-time"},
          "secret": {"type": "string", "pattern": "^whsec_", "description": "Only in the answer that registered it"}}},
        "WebhookList": {"type": "object", "required": ["webhooks"], "properties": {"webhooks": {"type": "array", "items": {"$ref": "#/components/schemas/Webhook"}}}},
        "DeadMessageList": {"type": "object", "required": ["messages"], "properties": {"messages": {"type": "array", "items": {"$ref": "#/components/schemas/DeadMessage"}}}},
        "DeadMessage": {"type": "object", "required": ["id", "booking", "kind", "revision", "attempts", "created_at", "given_up_at"], "properties": {
          "id": {"type": "string", "format": "uuid"}, "booking": {"type": "string", "format": "uuid"},
          "kind": {"type": "string", "enum": ["confirmation", "move", "cancellation", "reminder", "offer", "booking.created", "booking.moved", "booking.cancelled", "booking.no_show"]},
          "revision": {"type": "integer"}, "attempts": {"type": "integer"},
          "created_at": {"type": "string", "format": "date-time"}, "given_up_at": {"type": "string", "format": "date-time"},
          "last_error": {"type": "string"}, "receiver": {"type": "integer", "minimum": 1, "description": "The webhook receiver, for an event; absent for a mail"}}}
      }
    }
    """#
}
