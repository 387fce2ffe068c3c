extension OpenAPIDocument {
    /// The open data's routes and schemas, merged into the document.
    static let openDataText = #"""
    {
      "paths": {
        "/v1/open-data/office-days": {
          "get": {"summary": "Open data: figures per public office and complete day (JSON)", "operationId": "openDataOfficeDays", "tags": ["open data"],
                  "description": "Appointments and cancellations by channel (counted on the appointment's day), no-shows, walk-ins, tickets served, the median wait of walk-ins from drawing a number to the call, and how many days ahead the next free online appointment lay that day (for the office's shortest online service). No personal data: a count of 1 to 4 people, and a median over fewer than 5, is null (suppressed); next_free_online_days is null when it was not recorded or nothing was free within 62 days. Only complete days (before today), at most 366 per query. Licence: Datenlizenz Deutschland – Namensnennung – Version 2.0 (Link header rel=license).",
                  "parameters": [{"$ref": "#/components/parameters/OpenDataFrom"}, {"$ref": "#/components/parameters/OpenDataTo"}],
                  "responses": {"200": {"description": "The figures", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OpenData"}}}},
                                "422": {"$ref": "#/components/responses/Problem"}}}
        },
        "/v1/open-data/office-days.csv": {
          "get": {"summary": "Open data: the same figures as CSV (RFC 4180, header line; an empty cell is suppressed or not recorded)", "operationId": "openDataOfficeDaysCSV", "tags": ["open data"],
                  "parameters": [{"$ref": "#/components/parameters/OpenDataFrom"}, {"$ref": "#/components/parameters/OpenDataTo"}],
                  "responses": {"200": {"description": "office,office_name,date,appointments_online,appointments_staff,appointments_walk_in,cancellations_online,cancellations_staff,cancellations_walk_in,no_shows,walk_ins,served,median_wait_minutes,next_free_online_days", "content": {"text/csv": {"schema": {"type": "string"}}}},
                                "422": {"$ref": "#/components/responses/Problem"}}}
        }
      },
      "parameters": {
        "OpenDataFrom": {"name": "from", "in": "query", "required": true, "schema": {"type": "string", "format": "date"}},
        "OpenDataTo": {"name": "to", "in": "query", "required": true, "description": "Inclusive; on or after from, before today, at most 366 days after from", "schema": {"type": "string", "format": "date"}}
      },
      "schemas": {
        "OpenData": {"type": "object", "required": ["licence", "from", "to", "suppressed_below", "office_days"], "properties": {
          "licence": {"$ref": "#/components/schemas/Licence"}, "from": {"type": "string", "format": "date"}, "to": {"type": "string", "format": "date"},
          "suppressed_below": {"type": "integer", "description": "Counts from 1 to this minus 1 are null"},
          "office_days": {"type": "array", "items": {"$ref": "#/components/schemas/OfficeDay"}}}},
        "Licence": {"type": "object", "required": ["name", "id", "url"], "properties": {"name": {"type": "string"}, "id": {"type": "string"}, "url": {"type": "string", "format": "uri"}}},
        "OfficeDay": {"type": "object", "required": ["office", "office_name", "date", "appointments", "cancellations", "no_shows", "walk_ins", "served", "median_wait_minutes", "next_free_online_days"], "properties": {
          "office": {"type": "integer"}, "office_name": {"type": "string"}, "date": {"type": "string", "format": "date"},
          "appointments": {"$ref": "#/components/schemas/ChannelCounts"}, "cancellations": {"$ref": "#/components/schemas/ChannelCounts"},
          "no_shows": {"type": ["integer", "null"]}, "walk_ins": {"type": ["integer", "null"]}, "served": {"type": ["integer", "null"]},
          "median_wait_minutes": {"type": ["integer", "null"]}, "next_free_online_days": {"type": ["integer", "null"]}}},
        "ChannelCounts": {"type": "object", "required": ["online", "staff", "walk_in"], "properties": {
          "online": {"type": ["integer", "null"]}, "staff": {"type": ["integer", "null"]}, "walk_in": {"type": ["integer", "null"]}}}
      }
    }
    """#
}
