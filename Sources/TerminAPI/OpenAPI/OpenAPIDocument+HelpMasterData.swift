import TerminEngine

extension OpenAPIDocument {
    /// The routes and schemas of in-person help's master data (helpers, shifts, sessions, reserved offers), merged into
    /// the document.
    static let helpMasterDataText = #"""
    {
      "paths": {
        "/v1/helpers": {
          "get": {"summary": "Every helper with their shifts (admins of every office)", "operationId": "listHelpers", "tags": ["help"], "security": [{"staff": []}],
                  "responses": {"200": {"description": "Helpers by id", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Helpers"}}}},
                                "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}}},
          "post": {"summary": "Add a helper: a member of staff or a volunteer who helps in some languages with some services (admins of every office). Shifts are set apart. Audited.", "operationId": "addHelper", "tags": ["help"], "security": [{"staff": []}],
                   "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HelperChange"}}}},
                   "responses": {"201": {"description": "The helper", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Helper"}}},
                                         "links": {"SetTheShifts": {"operationId": "replaceShifts", "parameters": {"id": "$response.body#/id"}}}},
                                 "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"},
                                 "422": {"$ref": "#/components/responses/Problem"}}}
        },
        "/v1/helpers/{id}": {
          "parameters": [{"name": "id", "in": "path", "required": true, "schema": \#(id)}],
          "get": {"summary": "A helper with their shifts (admins of every office)", "operationId": "getHelper", "tags": ["help"], "security": [{"staff": []}],
                  "responses": {"200": {"description": "The helper", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Helper"}}}},
                                "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}}},
          "patch": {"summary": "Change a helper's name, languages or skills (admins of every office). What is absent stays; bookings made with the helper stay. Audited.", "operationId": "changeHelper", "tags": ["help"], "security": [{"staff": []}],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HelperChange"}}}},
                    "responses": {"200": {"description": "The helper as they now are", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Helper"}}}},
                                  "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"},
                                  "422": {"$ref": "#/components/responses/Problem"}}}
        },
        "/v1/helpers/{id}/shifts": {
          "parameters": [{"name": "id", "in": "path", "required": true, "schema": \#(id)}],
          "put": {"summary": "Replace a helper's shifts at help places (admins of every office). A helper is never at two places at once: shifts that overlap (a weekday, a day of validity and a minute in common, at any places) are a 422 naming the later one. The helper gets a desk at a place the first time a shift names it. Bookings with the helper that the new shifts do not cover are kept and listed as conflicts. Audited.", "operationId": "replaceShifts", "tags": ["help"], "security": [{"staff": []}],
                  "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ShiftsChange"}}}},
                  "responses": {"200": {"description": "The helper with the shifts now in force, and the conflicts", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ShiftsChanged"}}}},
                                "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"},
                                "409": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}}}
        },
        "/v1/offices/{id}/sessions": {
          "parameters": [{"$ref": "#/components/parameters/OfficeID"}],
          "post": {"summary": "Add a group session at a help desk or mobile stop (leads and admins of the place): a service the place offers, a day from today on, a start on the place's grid, 1 to \#(BookingEngine.sessionSeatsMax) seats (the place gets as many seat desks), and the helper who leads it, if one does: leading takes the helper's time, so they are not booked elsewhere meanwhile (409 helper-busy when they are already). Another session at the place that overlaps it: 409 session-overlaps. Audited.", "operationId": "addSession", "tags": ["help"], "security": [{"staff": []}],
                   "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SessionChange"}}}},
                   "responses": {"201": {"description": "The session, with its seats free for staff", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/GroupSession"}}},
                                         "links": {"RemoveTheSession": {"operationId": "removeSession", "parameters": {"id": "$response.body#/id"}}}},
                                 "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"},
                                 "409": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}}}
        },
        "/v1/sessions/{id}": {
          "parameters": [{"name": "id", "in": "path", "required": true, "schema": \#(id)}],
          "delete": {"summary": "Take a group session away (leads and admins of its place): only while none of its seats is held or booked (409 session-has-seats: cancel or move them first). Its waiting list goes with it; its leader's time is free again. Audited.", "operationId": "removeSession", "tags": ["help"], "security": [{"staff": []}],
                     "responses": {"204": {"description": "Taken away"},
                                   "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"},
                                   "409": {"$ref": "#/components/responses/Problem"}}}
        },
        "/v1/offices/{id}/offers/{service}/reservation": {
          "parameters": [{"$ref": "#/components/parameters/OfficeID"}, {"name": "service", "in": "path", "required": true, "schema": \#(id)}],
          "put": {"summary": "Reserve an offer for some people, for example a mobile stop's slots for a care home's residents (admins): only a helper, an intermediary or an admin then books it; others are refused with 422 reserved-offer, which names whom it is for. Bookings made stay. Audited.", "operationId": "reserveOffer", "tags": ["help"], "security": [{"staff": []}],
                  "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ReservationChange"}}}},
                  "responses": {"200": {"description": "The reservation now in force", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Reservation"}}}},
                                "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"},
                                "422": {"$ref": "#/components/responses/Problem"}}},
          "delete": {"summary": "Open a reserved offer to anyone again (admins). Audited.", "operationId": "openOffer", "tags": ["help"], "security": [{"staff": []}],
                     "responses": {"200": {"description": "The offer, reserved for no one", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Reservation"}}}},
                                   "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"},
                                   "422": {"$ref": "#/components/responses/Problem"}}}
        }
      },
      "schemas": {
        "HelperChange": {"type": "object", "description": "To add a helper, all three; to change one, what is absent or null stays", "properties": {
          "name": {"type": ["string", "null"], "minLength": 1, "maxLength": \#(BookingEngine.helperNameMax), "pattern": "^[^\\s\\u0000-\\u001f\\u007f-\\u009f]([^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f])?$"},
          "languages": {"type": ["array", "null"], "minItems": 1, "uniqueItems": true, "items": {"$ref": "#/components/schemas/Language"}, "description": "The languages the helper helps in"},
          "skills": {"type": ["array", "null"], "minItems": 1, "uniqueItems": true, "items": \#(id), "description": "The services the helper helps with"}}},
        "Shift": {"type": "object", "required": ["office", "weekdays", "valid_from", "opens", "closes"], "properties": {
          "office": \#(id), "weekdays": {"type": "array", "minItems": 1, "maxItems": 7, "uniqueItems": true, "items": {"type": "integer", "minimum": 1, "maximum": 7}, "description": "ISO weekdays, 1 = Monday"},
          "valid_from": {"type": "string", "format": "date", "description": "From 2000-01-01 on"},
          "valid_to": {"type": ["string", "null"], "format": "date", "description": "The last day the shift applies; absent: open-ended"},
          "opens": {"$ref": "#/components/schemas/Time"}, "closes": {"$ref": "#/components/schemas/Time"}}},
        "ShiftsChange": {"type": "object", "required": ["shifts"], "properties": {"shifts": {"type": "array", "maxItems": \#(BookingEngine.helperShiftsMax), "items": {"$ref": "#/components/schemas/Shift"}}}},
        "Helper": {"type": "object", "required": ["id", "name", "languages", "skills", "demo", "shifts"], "properties": {
          "id": {"type": "integer"}, "name": {"type": "string"},
          "languages": {"type": "array", "items": {"$ref": "#/components/schemas/Language"}}, "skills": {"type": "array", "items": {"type": "integer"}},
          "demo": {"type": "boolean", "description": "Made-up data for demonstrations"},
          "shifts": {"type": "array", "items": {"$ref": "#/components/schemas/Shift"}}}},
        "Helpers": {"type": "object", "required": ["helpers"], "properties": {"helpers": {"type": "array", "items": {"$ref": "#/components/schemas/Helper"}}}},
        "ShiftsChanged": {"type": "object", "required": ["helper", "conflicts"], "properties": {
          "helper": {"$ref": "#/components/schemas/Helper"},
          "conflicts": {"type": "array", "items": {"type": "string", "format": "uuid"}, "description": "Bookings with the helper the new shifts leave outside their hours"}}},
        "SessionChange": {"type": "object", "required": ["service", "date", "start", "seats"], "properties": {
          "service": \#(id), "date": {"type": "string", "format": "date"}, "start": {"$ref": "#/components/schemas/Time"},
          "seats": {"type": "integer", "minimum": 1, "maximum": \#(BookingEngine.sessionSeatsMax)},
          "leader": {"type": ["integer", "null"], "minimum": 1, "description": "The helper who leads the session"}}},
        "ReservationChange": {"type": "object", "required": ["reserved_for"], "properties": {
          "reserved_for": {"type": "string", "minLength": 1, "maxLength": \#(BookingEngine.reservedForMax), "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f]*$", "description": "Whom the offer is for, as a refusal names them"}}},
        "Reservation": {"type": "object", "required": ["office", "service"], "properties": {
          "office": {"type": "integer"}, "service": {"type": "integer"},
          "reserved_for": {"type": "string", "description": "Absent: anyone may book the offer"}}}
      }
    }
    """#
}
