import TerminCore

extension OpenAPIDocument {
    /// The group sessions' routes and schemas (in-person help), merged into the document.
    static let helpText = #"""
    {
      "paths": {
        "/v1/sessions": {
          "get": {
            "summary": "A place's group sessions and their free seats", "operationId": "listSessions", "tags": ["help"],
            "description": "Courses and group slots with seats (see kind on the places). seats_free counts what the channel could take now: 0 once the session is closer than the channel's notice. At most \#(Scheduler.availabilityDaysMax) days per query.",
            "parameters": [{"name": "office", "in": "query", "required": true, "schema": \#(id)},
                           {"name": "from", "in": "query", "required": true, "schema": {"type": "string", "format": "date"}},
                           {"name": "to", "in": "query", "required": true, "schema": {"type": "string", "format": "date"}},
                           {"$ref": "#/components/parameters/ChannelQuery"}],
            "responses": {
              "200": {"description": "The sessions in start order", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SessionList"}}},
                      "links": {"TakeASeat": {"operationId": "takeSeat", "parameters": {"id": "$response.body#/sessions/0/id"}}}},
              "422": {"$ref": "#/components/responses/Problem"}
            }
          }
        },
        "/v1/sessions/{id}/seats": {
          "parameters": [{"name": "id", "in": "path", "required": true, "schema": \#(id)}],
          "post": {
            "summary": "Take a seat in a group session", "operationId": "takeSeat", "tags": ["help"],
            "description": "A seat is a booking of the session's service at its start: 201 with the booking and its code (shown once), which reads, moves and cancels it as any booking; mails as any booking. 409 session-full when every seat is taken; 404 session-not-found. Staff (Authorization: Bearer) book with channel staff or walk_in.",
            "parameters": [{"name": "Idempotency-Key", "in": "header", "description": "1 to 255 bytes", "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^\\S(.*\\S)?$"}},
                           {"$ref": "#/components/parameters/CitizenPseudonym"}, {"$ref": "#/components/parameters/Altcha"}],
            "requestBody": {"required": false, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SeatRequest"}}}},
            "responses": {
              "201": {"description": "The seat, as a booking", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Booking"}}},
                      "links": {
                        "ReadTheSeat": {"operationId": "getBooking", "parameters": {"id": "$response.body#/id", "header.Authorization": "Booking {$response.body#/code}"}},
                        "CancelTheSeat": {"operationId": "cancelBooking", "parameters": {"id": "$response.body#/id", "header.Authorization": "Booking {$response.body#/code}"}}}},
              "401": {"$ref": "#/components/responses/Problem"},
              "403": {"$ref": "#/components/responses/Problem"},
              "404": {"$ref": "#/components/responses/Problem"},
              "409": {"$ref": "#/components/responses/Problem"},
              "422": {"$ref": "#/components/responses/Problem"}
            }
          }
        },
        "/v1/sessions/{id}/waitlist": {
          "parameters": [{"name": "id", "in": "path", "required": true, "schema": \#(id)}],
          "post": {
            "summary": "Wait for a seat in a full group session", "operationId": "joinSessionWaitlist", "tags": ["help"],
            "description": "Only while every seat is taken (else 409 seats-free) and the session can still be booked online (else 422 inside-minimum-notice, field id), with contact.email (else 422). 201 with the entry and its code (shown once). When a seat frees, the first waiting is seated at once: a booking of the seat with this code, mailed as any booking; GET the entry to see it.",
            "parameters": [{"$ref": "#/components/parameters/Altcha"}],
            "requestBody": {"required": false, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WaitlistRequest"}}}},
            "responses": {
              "201": {"description": "On the list", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SessionWait"}}},
                      "links": {
                        "ReadTheEntry": {"operationId": "getSessionWait", "parameters": {"id": "$request.path.id", "entry": "$response.body#/id", "header.Authorization": "Booking {$response.body#/code}"}},
                        "LeaveTheList": {"operationId": "leaveSessionWaitlist", "parameters": {"id": "$request.path.id", "entry": "$response.body#/id", "header.Authorization": "Booking {$response.body#/code}"}}}},
              "403": {"$ref": "#/components/responses/Problem"},
              "404": {"$ref": "#/components/responses/Problem"},
              "409": {"$ref": "#/components/responses/Problem"},
              "422": {"$ref": "#/components/responses/Problem"}
            }
          }
        },
        "/v1/sessions/{id}/waitlist/{entry}": {
          "parameters": [{"name": "id", "in": "path", "required": true, "schema": \#(id)},
                         {"name": "entry", "in": "path", "required": true, "schema": {"type": "string"}}],
          "get": {
            "summary": "An entry on a session's waiting list", "operationId": "getSessionWait", "tags": ["help"], "security": [{"bookingCode": []}],
            "responses": {
              "200": {"description": "The entry", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SessionWait"}}}},
              "401": {"$ref": "#/components/responses/Problem"},
              "404": {"$ref": "#/components/responses/Problem"}
            }
          },
          "delete": {
            "summary": "Leave a session's waiting list", "operationId": "leaveSessionWaitlist", "tags": ["help"], "security": [{"bookingCode": []}],
            "description": "An entry seated or gone already is answered as it stands.",
            "responses": {
              "200": {"description": "The entry as it now stands", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SessionWait"}}}},
              "401": {"$ref": "#/components/responses/Problem"},
              "404": {"$ref": "#/components/responses/Problem"}
            }
          }
        }
      },
      "schemas": {
          "WaitlistRequest": {"type": "object", "properties": {"contact": {"$ref": "#/components/schemas/Contact"}}},
          "SessionWait": {"type": "object", "required": ["id", "session", "state", "joined_at"], "properties": {
            "id": {"type": "string", "format": "uuid"}, "session": {"type": "integer"},
            "code": {"type": "string", "description": "Only when joining: the key to the entry and to the seat's booking"},
            "state": {"type": "string", "enum": ["waiting", "seated", "left"]},
            "position": {"type": "integer", "minimum": 1, "description": "While waiting: 1 is seated next"},
            "booking": {"type": "string", "format": "uuid", "description": "Once seated: the seat's booking"},
            "joined_at": {"type": "string", "format": "date-time"}}},
          "SeatRequest": {"type": "object", "properties": {"contact": {"$ref": "#/components/schemas/Contact"}, "channel": {"$ref": "#/components/schemas/Channel"}}},
          "GroupSession": {"type": "object", "required": ["id", "office", "service", "name_de", "start", "end", "seats", "seats_free"], "properties": {
            "id": {"type": "integer"}, "office": {"type": "integer"}, "service": {"type": "integer"},
            "name_de": {"type": "string"}, "name_en": {"type": ["string", "null"]},
            "start": {"type": "string", "format": "date-time"}, "end": {"type": "string", "format": "date-time"},
            "seats": {"type": "integer", "minimum": 1}, "seats_free": {"type": "integer", "minimum": 0},
            "leader": {"type": "integer", "description": "The helper who leads the session, if one does"}}},
          "SessionList": {"type": "object", "required": ["sessions"], "properties": {"sessions": {"type": "array", "items": {"$ref": "#/components/schemas/GroupSession"}}}}
      }
    }
    """#
}
