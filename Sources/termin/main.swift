print("termin")
