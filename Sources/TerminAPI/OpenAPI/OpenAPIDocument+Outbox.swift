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
        }
      },
      "schemas": {
        "DeadMessageList": {"type": "object", "required": ["messages"], "properties": {"messages": {"type": "array", "items": {"$ref": "#/components/schemas/DeadMessage"}}}},
        "DeadMessage": {"type": "object", "required": ["id", "booking", "kind", "revision", "attempts", "created_at", "given_up_at"], "properties": {
          "id": {"type": "string", "format": "uuid"}, "booking": {"type": "string", "format": "uuid"},
          "kind": {"type": "string", "enum": ["confirmation", "move", "cancellation", "reminder"]},
          "revision": {"type": "integer"}, "attempts": {"type": "integer"},
          "created_at": {"type": "string", "format": "date-time"}, "given_up_at": {"type": "string", "format": "date-time"},
          "last_error": {"type": "string"}}}
      }
    }
    """#
}
