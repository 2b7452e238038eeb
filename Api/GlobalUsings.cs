global using Microsoft.AspNetCore.Mvc;
global using Orleans;
