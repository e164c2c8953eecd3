-- Venues of each state in one line, and seats where known
select venuestate, listagg(venuename, ', ') within group (order by venuename) as venues,
       sum(nvl(venueseats, 0)) as seats
from venue
where venuestate in ('NY', 'CA', 'NV')
group by venuestate
order by venuestate;
