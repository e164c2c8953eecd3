-- Venues in New York state and the number of events each hosted
select v.venuename, v.venuecity, count(e.eventid) as events
from venue v
join event e on e.venueid = v.venueid
where v.venuestate = 'NY'
group by v.venuename, v.venuecity
order by events desc;
