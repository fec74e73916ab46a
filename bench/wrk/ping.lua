-- GET the URL as given (the bare /ping endpoint, or any other one).
dofile("report.lua")
