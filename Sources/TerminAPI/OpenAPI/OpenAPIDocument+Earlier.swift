extension OpenAPIDocument {
    /// The earlier-time list's routes and schemas, merged into the document.
    static let earlierText = #"""
    {
      "paths": {
        "/v1/bookings/{id}/earlier": {
          "parameters": [{"$ref": "#/components/parameters/BookingID"}],
          "post": {
            "summary": "Put a booking on the earlier-time list, or change its latest start and needs there", "operationId": "joinEarlierList", "tags": ["bookings"], "security": [{"bookingCode": []}, {"staff": []}],
            "description": "By the citizen (Authorization: Booking <code>), or by staff serving the booking's office on the citizen's behalf (Authorization: Bearer). For an online booking with contact e-mail more than 3 days away. When an earlier time that fits frees (a cancellation, a move, a no-show, an expired hold, time a release round left over), the engine holds it for this booking alone for 15 minutes and mails the offer; the booking takes it by moving onto the offer's hold (POST /v1/bookings/{id}/move with {\"hold\": …}). First opted in, first offered among the bookings a time fits; at most 3 offers a booking; never from the share withheld from the online channel. A move (the offer taken, or another) or the booking's end ends the wish; joining again after a move goes to the back of the list. 201 when the booking joins, 200 when it was on the list (its place kept). 409 earlier-list-refused when it is not an online booking, has no e-mail, is 3 days away or less, or had its 3 offers; 409 booking-state when it is cancelled or a no-show; 422 for a latest start not after now and before the booking's.",
            "requestBody": {"required": false, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EarlierRequest"}}}},
            "responses": {
              "200": {"description": "On the list already: latest start and needs changed", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EarlierWish"}}}},
              "201": {"description": "Joined the list", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EarlierWish"}}}},
              "401": {"$ref": "#/components/responses/Problem"},
              "403": {"$ref": "#/components/responses/Problem"},
              "404": {"$ref": "#/components/responses/Problem"},
              "409": {"$ref": "#/components/responses/Problem"},
              "422": {"$ref": "#/components/responses/Problem"}
            }
          },
          "get": {
            "summary": "The booking's wish for an earlier time, and the offer held for it now", "operationId": "getEarlierWish", "tags": ["bookings"], "security": [{"bookingCode": []}, {"staff": []}],
            "responses": {
              "200": {"description": "The wish", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EarlierWish"}}}},
              "401": {"$ref": "#/components/responses/Problem"},
              "403": {"$ref": "#/components/responses/Problem"},
              "404": {"$ref": "#/components/responses/Problem"}
            }
          },
          "delete": {
            "summary": "Take the booking off the earlier-time list (an offer held for it runs out; the offers made stay counted)", "operationId": "leaveEarlierList", "tags": ["bookings"], "security": [{"bookingCode": []}, {"staff": []}],
            "responses": {
              "204": {"description": "Off the list"},
              "401": {"$ref": "#/components/responses/Problem"},
              "403": {"$ref": "#/components/responses/Problem"},
              "404": {"$ref": "#/components/responses/Problem"}
            }
          }
        }
      },
      "schemas": {
          "EarlierRequest": {"type": "object", "description": "Every member may be left out or null", "properties": {
            "latest": {"type": ["string", "null"], "format": "date-time", "description": "The latest start the citizen accepts (default: any before the booking's)"},
            "needs": {"anyOf": [{"$ref": "#/components/schemas/Needs"}, {"type": "null"}]},
            "languages": {"anyOf": [{"$ref": "#/components/schemas/Languages"}, {"type": "null"}]}}},
          "EarlierWish": {"type": "object", "required": ["booking", "state", "joined_at", "needs", "languages", "offers_made", "offers_max"], "properties": {
            "booking": {"type": "string", "format": "uuid"},
            "state": {"type": "string", "enum": ["waiting", "offered", "exhausted", "ended"], "description": "waiting for a time; offered: a time is held for the booking now; exhausted: every offer was made; ended: the booking moved, ended or began"},
            "joined_at": {"type": "string", "format": "date-time"}, "latest": {"type": "string", "format": "date-time"},
            "needs": {"$ref": "#/components/schemas/Needs"}, "languages": {"$ref": "#/components/schemas/Languages"},
            "offers_made": {"type": "integer", "minimum": 0}, "offers_max": {"type": "integer", "minimum": 1},
            "offer": {"$ref": "#/components/schemas/EarlierOffer"}}},
          "EarlierOffer": {"type": "object", "description": "An earlier time held for the booking alone until expires_at: move onto the hold to take it", "required": ["hold", "start", "expires_at"], "properties": {
            "hold": {"type": "string", "format": "uuid"}, "start": {"type": "string", "format": "date-time"},
            "expires_at": {"type": "string", "format": "date-time"}}}
      }
    }
    """#
}
