# verdict: error
name = input("your name? ")
print("ok", name)
